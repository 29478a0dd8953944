# SPDX-License-Identifier: GPL-2.0
# Summarise an ftrace text trace of pt_bench irq (bench.sh's irqprof):
#
# with mode=graph (function_graph, funcgraph-tail): per function, the
# calls, mean and minimum duration, for each driver's handler and what it
# calls;
# with mode=events (irq_handler_entry/exit, sched_wakeup, sys_exit_read):
# per handler name (passthru-... or vfio-...), the samples, the mean
# handler time, the mean time from the handler's entry to the reader's
# read() returning, the share of samples in which the reader slept (was
# woken) and the CPU the handler ran on.
function us(t) { return t * 1e6 }
mode == "graph" && /us +\|/ {
	for (i = 1; i <= NF; i++)
		if ($(i + 1) == "us" && $i ~ /^[0-9.]+$/)
			d = $i
	if (match($0, /\/\* .* \*\//))
		name = substr($0, RSTART + 3, RLENGTH - 6)
	else if (match($0, /[A-Za-z0-9_.]+( \[[a-z0-9_]+\])?\(\);/))
		name = substr($0, RSTART, RLENGTH - 3)
	else
		next
	sub(/ \[[a-z0-9_]+\]/, "", name)
	n[name]++
	sum[name] += d
	if (!(name in lo) || d < lo[name])
		lo[name] = d
}
mode == "events" {
	for (i = 1; i <= NF; i++)
		if ($i ~ /^[0-9]+\.[0-9]+:$/) {
			ts = substr($i, 1, length($i) - 1) + 0
			ev = $(i + 1)
			break
		}
	if (ev == "irq_handler_entry:" && /name=(passthru|vfio)-/) {
		h = $0
		sub(/.*name=/, "", h)
		sub(/[[(].*/, "", h)
		cur = h
		t_in = ts
		open_ = 1
		woke = 0
		cpu = $0
		sub(/^[^[]*\[/, "", cpu)
		cpu = substr(cpu, 1, 3) + 0
		cpus[cur, cpu]++
		names[cur] = 1
	} else if (ev == "irq_handler_exit:" && open_ == 1) {
		hsum[cur] += ts - t_in
		open_ = 2
	} else if (ev == "sched_wakeup:" && /comm=pt_bench/ && open_) {
		woke = 1
	} else if (ev == "sys_read" && $(i + 2) == "->" && $1 ~ /^pt_bench-/ &&
		   open_ == 2) {
		# sys_exit_read prints as "sys_read -> 0x8".
		cnt[cur]++
		rsum[cur] += ts - t_in
		slept[cur] += woke
		open_ = 0
	}
}
END {
	if (mode == "graph")
		for (name in n)
			printf("# irqprof graph %s: %d calls, mean %.2f us, min %.2f us\n",
			       name, n[name], sum[name] / n[name], lo[name])
	for (h in names) {
		c = cnt[h] ? cnt[h] : 1
		where = ""
		for (k = 0; k < 8; k++)
			if (cpus[h, k])
				where = where " cpu" k "=" cpus[h, k]
		printf("# irqprof events %s: %d samples, handler %.2f us, handler entry to read() returning %.2f us, reader woken in %d%%;%s\n",
		       h, cnt[h], us(hsum[h] / c), us(rsum[h] / c),
		       100 * slept[h] / c, where)
	}
}
