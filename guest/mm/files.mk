# SPDX-License-Identifier: MIT
# guest/mm: physical page allocator and kernel heap.
GUEST_SRCS += guest/mm/page.c guest/mm/heap.c guest/mm/pt.c

UNIT_TESTS += page heap pt
UNIT_page := tests/unit/test_page.c guest/mm/page.c
UNIT_heap := tests/unit/test_heap.c guest/mm/heap.c guest/mm/page.c
UNIT_pt := tests/unit/test_pt.c guest/mm/pt.c guest/mm/page.c
