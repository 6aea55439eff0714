# SPDX-License-Identifier: MIT
"""vsched's host toolkit: the backend registry and the test manifest."""
