# SPDX-License-Identifier: GPL-2.0
# The results of a guest script as one KTAP document (busybox awk):
#
#   sh /tests/check.sh | awk -v name=check.sh -f /tests/ktap.awk
#
# A check prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why"
# (lib.sh, pt_util.h); each becomes a numbered KTAP result, in order.
# Indented lines are subtest documents (lib.sh's ktap_sub) and pass as
# they are; lines for the host ("PT-QMP ...") too; anything else becomes
# a diagnostic.  The plan comes last, when the count is known.  Every line
# is flushed at once: the host acts on PT-QMP lines while the guest waits.
BEGIN {
	n = 0
	print "PT-KTAP-BEGIN " name
	print "KTAP version 1"
	fflush()
}
/^ok - / { print "ok " ++n " " substr($0, 6); fflush(); next }
/^not ok - / { print "not ok " ++n " " substr($0, 10); fflush(); next }
/^skip - / { print "ok " ++n " " substr($0, 8) " # SKIP"; fflush(); next }
/^    / || /^PT-/ { print; fflush(); next }
{ print "# " $0; fflush() }
END {
	print "1.." n
	print "PT-KTAP-END"
	fflush()
}
