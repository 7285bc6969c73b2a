"""What this machine's memory allows: the process's resident memory and the memory available."""

import os


def memory_bytes():
    """(resident memory of this process, memory available to it) [bytes], from /proc (Linux);
    (None, None) where /proc does not tell."""
    try:
        with open("/proc/self/statm") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/meminfo") as meminfo:
            fields = dict(line.split(":", 1) for line in meminfo)
        return resident, int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return None, None
