// Peak resident memory of a process and its descendants, from /proc (Linux): VmHWM of each, summed.
import { readdirSync, readFileSync } from "node:fs";

function statusField(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;  // exited meanwhile
  }
}

// The pid and every live process below it.
function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The fields after the command name, which is in parentheses and may contain anything.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [];
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop();
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

// Bytes: the sum of the peak resident set sizes of `pid` and its live descendants.
export function peakRss(pid) {
  return processTree(pid).reduce((sum, p) => sum + statusField(p, "VmHWM"), 0);
}
