package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on every
// Linux this runs on).
const clockTicks = 100

// usage is a CPU and memory reading of this process and the dev server.
type usage struct {
	at time.Time
	// selfCPU is this process's user+system CPU (worker, driver and the
	// in-process simulators).
	selfCPU time.Duration
	// serverCPU is the Temporal dev server's user+system CPU.
	serverCPU time.Duration
	// machineBusy is the whole machine's non-idle CPU (PostgreSQL and
	// anything else running included).
	machineBusy time.Duration
	// pgBackends is the CPU of the run database's PostgreSQL backends.
	pgBackends map[int]time.Duration
	// selfPeakRSS and serverPeakRSS are high-water marks in bytes.
	selfPeakRSS, serverPeakRSS int64
}

// readUsage samples usage; missing /proc entries read as zero.
func readUsage(serverPID int, db string) usage {
	u := usage{at: time.Now(), pgBackends: backendCPU(db)}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.selfCPU = tv(ru.Utime) + tv(ru.Stime)
		u.selfPeakRSS = ru.Maxrss * 1024
	}
	if serverPID > 0 {
		u.serverCPU = procCPU(serverPID)
		u.serverPeakRSS = procHWM(serverPID)
	}
	u.machineBusy = machineBusy()
	return u
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// procCPU reads utime+stime of pid from /proc/<pid>/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	return parseStatCPU(string(b))
}

// parseStatCPU extracts utime+stime (fields 14 and 15) from a
// /proc/<pid>/stat line; the command name in parentheses may hold spaces.
func parseStatCPU(line string) time.Duration {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(line[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// procHWM reads the peak resident set (VmHWM) of pid in bytes.
func procHWM(pid int) int64 { return procStatusBytes(pid, "VmHWM") }

// procRSS reads the current resident set (VmRSS) of pid in bytes.
func procRSS(pid int) int64 { return procStatusBytes(pid, "VmRSS") }

// procStatusBytes reads a "<key>: N kB" line of /proc/<pid>/status in
// bytes; 0 when it cannot be read.
func procStatusBytes(pid int, key string) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// machineBusy reads the non-idle time of all CPUs from /proc/stat.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, s := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest times are already in user
			break
		}
		v, _ := strconv.ParseInt(s, 10, 64)
		busy += v
	}
	return time.Duration(busy) * time.Second / clockTicks
}

// childPID returns the pid of a child of this process whose command name
// contains name, or 0.
func childPID(name string) int {
	me := os.Getpid()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		f := strings.Fields(s[close+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		if ppid == me && strings.Contains(s[open+1:close], name) {
			return pid
		}
	}
	return 0
}

// backendCPU returns the CPU time of every PostgreSQL backend serving
// database db, by pid (backends are other processes of the server; one
// that exits between two readings loses its time).
func backendCPU(db string) map[int]time.Duration {
	out := map[int]time.Duration{}
	if db == "" {
		return out
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.HasPrefix(string(cmd), "postgres: ") || !strings.Contains(string(cmd), " "+db+" ") {
			continue
		}
		out[pid] = procCPU(pid)
	}
	return out
}

// backendDelta sums the CPU the backends used between two readings.
func backendDelta(before, after map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range after {
		d += t - before[pid]
	}
	return d
}
