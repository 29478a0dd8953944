# SPDX-License-Identifier: GPL-2.0
# passthru: out-of-tree kernel module, its tools and its test bed.
#
#   make               build passthru.ko against KDIR (the running kernel)
#   make install       install it into /lib/modules/<KDIR's version>/
#   make check         every test: KUnit, QEMU guests (VT-d, AMD-Vi, debug
#                      kernel), static checks; installs its own dependencies
#   make demo          boot a VT-d guest and show passthru claiming a device
#   make bench         passthru against vfio-pci, one guest boot per kernel
#   make fuzz          a long fuzzer run on the debug kernel (PT_FUZZ_OPS,
#                      PT_FUZZ_SEED)
#   make lib           libpassthru.a, libpassthru.so and libpassthru.pc in
#                      out/lib (PREFIX, default /usr/local, for the .pc)
#   make lib-install   install them, the header and the uAPI header
#   make tools         the passthru command, out/bin/passthru
#   make tools-install install it and its man page
#   make deb           the Debian packages passthru-dkms and passthru-tools,
#                      in out/deb (scripts/deb.sh)
#
# The lib and tools rules add CPPFLAGS, CFLAGS and LDFLAGS from the
# environment or the command line (debian/rules passes Debian's hardening
# flags that way).  LIB_SUBDIR is where libraries go under PREFIX (Debian:
# lib/x86_64-linux-gnu).

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
LIB_SUBDIR ?= lib
# The version has one place: the first line of debian/changelog.
LIB_VERSION := $(shell sed -n '1s/^passthru (\([^)-]*\).*/\1/p' debian/changelog)
LIBDIR := out/lib
LIB_CFLAGS := -O2 -g -Wall -Wextra -Werror -fPIC -Iinclude/uapi -Itools/lib

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

deb:
	scripts/deb.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

fuzz:
	scripts/fuzz.sh

lib: $(LIBDIR)/libpassthru.a $(LIBDIR)/libpassthru.so $(LIBDIR)/libpassthru.pc

$(LIBDIR)/libpassthru.o: tools/lib/libpassthru.c tools/lib/libpassthru.h include/uapi/linux/passthru.h
	mkdir -p $(LIBDIR)
	$(CC) $(LIB_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBDIR)/libpassthru.a: $(LIBDIR)/libpassthru.o
	$(AR) rcs $@ $^

$(LIBDIR)/libpassthru.so: $(LIBDIR)/libpassthru.o
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -Wl,-soname,libpassthru.so.0 -o $@ $^

$(LIBDIR)/libpassthru.pc: tools/lib/libpassthru.pc.in
	mkdir -p $(LIBDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIB_SUBDIR@|$(LIB_SUBDIR)|' \
		-e 's|@VERSION@|$(LIB_VERSION)|' $< >$@

tools: out/bin/passthru

CLI_SRC := $(wildcard tools/passthru/*.c)
out/bin/passthru: $(CLI_SRC) tools/passthru/passthru.h include/uapi/linux/passthru.h
	mkdir -p out/bin
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude/uapi $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $(CLI_SRC)

tools-install: tools
	install -D -m 755 out/bin/passthru $(DESTDIR)$(PREFIX)/sbin/passthru
	install -D -m 644 tools/passthru/passthru.8 $(DESTDIR)$(PREFIX)/share/man/man8/passthru.8

lib-install: lib
	install -D -m 644 $(LIBDIR)/libpassthru.a $(DESTDIR)$(PREFIX)/$(LIB_SUBDIR)/libpassthru.a
	install -D -m 755 $(LIBDIR)/libpassthru.so $(DESTDIR)$(PREFIX)/$(LIB_SUBDIR)/libpassthru.so.0
	ln -sf libpassthru.so.0 $(DESTDIR)$(PREFIX)/$(LIB_SUBDIR)/libpassthru.so
	install -D -m 644 $(LIBDIR)/libpassthru.pc $(DESTDIR)$(PREFIX)/$(LIB_SUBDIR)/pkgconfig/libpassthru.pc
	install -D -m 644 tools/lib/libpassthru.h $(DESTDIR)$(PREFIX)/include/libpassthru.h
	install -D -m 644 include/uapi/linux/passthru.h $(DESTDIR)$(PREFIX)/include/linux/passthru.h

.PHONY: all modules install clean check deb demo bench fuzz lib lib-install tools tools-install
