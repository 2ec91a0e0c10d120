// The `moonring` settings section read into one value: where the binary is and what it is given.
// (The `Lua` section is the server's to read, through workspace/configuration.)
import * as os from 'os';
import * as path from 'path';

export interface Settings {
  // The moonring binary: a name looked up on PATH, or a path (`~` and workspace-relative allowed).
  command: string;
  // Arguments after `moonring lsp` / `moonring dap`.
  serverArgs: string[];
  debugArgs: string[];
}

// The part of vscode.WorkspaceConfiguration this module reads, so it needs no editor to run.
export interface ConfigurationReader {
  get<T>(section: string): T | undefined;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

// A setting's path made absolute: `~/x` from the home directory, `./x` or `a/b` from the first
// workspace folder; a bare name ("moonring") is left for PATH lookup.
export function resolveCommand(value: string, workspaceFolder: string | undefined): string {
  const command = value.trim() === '' ? 'moonring' : value.trim();
  if (command === '~' || command.startsWith('~/')) return path.join(os.homedir(), command.slice(1));
  if (path.isAbsolute(command) || !command.includes('/')) return command;
  return workspaceFolder ? path.resolve(workspaceFolder, command) : path.resolve(command);
}

export function readSettings(config: ConfigurationReader, workspaceFolder?: string): Settings {
  return {
    command: resolveCommand(config.get<string>('path') ?? '', workspaceFolder),
    serverArgs: stringArray(config.get('server.extraArgs')),
    debugArgs: stringArray(config.get('debug.extraArgs')),
  };
}
