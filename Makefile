# SPDX-License-Identifier: GPL-2.0
# passthru: out-of-tree kernel module, its tools and its test bed.
#
#   make               build passthru.ko against KDIR (the running kernel)
#   make install       install it into /lib/modules/<KDIR's version>/
#   make check         every test: KUnit, QEMU guests (VT-d, AMD-Vi, debug
#                      kernel), static checks; installs its own dependencies
#   make demo          boot a VT-d guest and show passthru claiming a device
#   make bench         passthru against vfio-pci, in one guest boot

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf out

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

.PHONY: all modules install clean check demo bench
