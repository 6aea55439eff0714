# SPDX-License-Identifier: MIT
"""tools/lablib: the latency lab's parts (tools/lab is the command)."""
