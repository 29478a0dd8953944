#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host's hand in a guest test: QEMU monitor commands the guest asks for.

    scripts/qmp.py SOCKET RESULTS [DUMP_AFTER_S]

Connects to QEMU's QMP socket SOCKET and follows the guest's results log
RESULTS.  A line "PT-QMP {json}" there is a QMP command the guest wants
run (device_del, device_add, human-monitor-command for
pcie_aer_inject_error...): it is sent, and the reply is printed.  Stops at
the guest's end marker (PT-DONE) or when QEMU goes away.

Every 20 s it also asks QEMU for each vCPU's local APIC.  A vCPU that
shows the timer vector (236) in service at two polls in a row, with the
results not growing in between, has lost an EOI (QEMU 7.2's TCG: see "A
guest that hangs" in Documentation/testing.md) and never takes a timer
interrupt again: the state is dumped as below and QEMU told to quit, so
the tier ends in a minute or two instead of at its timeout.

With DUMP_AFTER_S, a guest that has not reached PT-DONE that many seconds
after the start is taken as hung (guest.sh passes a time shortly before
it kills QEMU, so a run this touches has failed already): the vCPUs'
registers, local APICs and interrupt controllers go to this script's
output, and SysRq l and w (the guest boots with sysrq_always_enabled) ask
the guest kernel for every CPU's backtrace and the blocked tasks on its
console.
"""
import json
import os
import socket
import sys
import time


def connect(path, timeout):
    deadline = time.time() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class Monitor:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def message(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QEMU closed the monitor")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        while True:
            msg = self.message()
            if "event" in msg:
                print("event:", json.dumps(msg), flush=True)
                continue
            return msg


def hmp(mon, line):
    """Run one human monitor command and print what it printed."""
    reply = mon.command({"execute": "human-monitor-command",
                         "arguments": {"command-line": line}})
    print("hmp %s:" % line, flush=True)
    print(reply.get("return", reply), flush=True)


CPUS = 2                 # guest.sh's -smp
TIMER_VECTOR = 236       # Linux's LOCAL_TIMER_VECTOR
POLL_S = 20


def dump_hung(mon, why, sysrq=True):
    """What a hung guest was doing, from QEMU and from the guest kernel."""
    print("stall: %s; dumping state" % why, flush=True)
    for line in ["info status", "info registers -a"] + \
            ["info lapic %d" % cpu for cpu in range(CPUS)] + \
            ["info pic", "info irq"]:
        hmp(mon, line)
    if not sysrq:
        return
    for key in ("l", "w"):
        hmp(mon, "sendkey alt-sysrq-" + key)
        time.sleep(10)


def timer_in_service(mon):
    """The vCPUs whose local APIC has the timer vector in service."""
    stuck = set()
    for cpu in range(CPUS):
        reply = mon.command({"execute": "human-monitor-command",
                             "arguments": {"command-line": "info lapic %d" % cpu}})
        for row in str(reply.get("return", "")).splitlines():
            fields = row.split()
            if fields and fields[0] == "ISR" and str(TIMER_VECTOR) in fields[1:]:
                stuck.add(cpu)
    return stuck


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sock_path, results = sys.argv[1:3]
    dump_at = time.time() + float(sys.argv[3]) if len(sys.argv) == 4 else None
    mon = Monitor(connect(sock_path, 60))
    print("greeting:", json.dumps(mon.message()), flush=True)
    print("capabilities:", json.dumps(mon.command({"execute": "qmp_capabilities"})),
          flush=True)
    while not os.path.exists(results):
        time.sleep(0.1)
    next_poll = time.time() + POLL_S
    last_stuck = set()
    with open(results, "rb") as log:
        pending = b""
        while True:
            chunk = log.readline()
            if not chunk:
                try:
                    if dump_at is not None and time.time() > dump_at:
                        dump_at = None
                        dump_hung(mon, "no PT-DONE before the dump time")
                    if time.time() > next_poll:
                        next_poll = time.time() + POLL_S
                        now_stuck = timer_in_service(mon)
                        stuck = now_stuck & last_stuck
                        last_stuck = now_stuck
                        if stuck:
                            cpus = ", ".join(map(str, sorted(stuck)))
                            dump_hung(mon, "the local APIC of vCPU %s holds the "
                                      "timer vector in service at two polls "
                                      "%d s apart (a lost EOI)" % (cpus, POLL_S),
                                      sysrq=False)
                            mon.command({"execute": "quit"})
                            return
                except (EOFError, OSError) as err:
                    print("monitor gone:", err, flush=True)
                    return
                time.sleep(0.1)
                continue
            last_stuck = set()
            pending += chunk
            if not pending.endswith(b"\n"):
                continue
            line = pending.decode(errors="replace").strip()
            pending = b""
            if line == "PT-DONE":
                return
            if not line.startswith("PT-QMP "):
                continue
            cmd = json.loads(line[len("PT-QMP "):])
            print("command:", json.dumps(cmd), flush=True)
            try:
                print("reply:", json.dumps(mon.command(cmd)), flush=True)
            except (EOFError, OSError) as err:
                print("monitor gone:", err, flush=True)
                return


if __name__ == "__main__":
    main()
