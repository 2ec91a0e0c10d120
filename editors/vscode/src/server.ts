// How the language client starts and talks to `moonring lsp`: the server options (command,
// arguments, transport) and the client options (documents, settings synchronised).
import { LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { Settings } from './settings';

// `moonring lsp` on stdio. The language client appends `--stdio` for this transport itself.
export function serverOptions(settings: Settings): ServerOptions {
  return {
    command: settings.command,
    args: ['lsp', ...settings.serverArgs],
    transport: TransportKind.stdio,
  };
}

// Lua files on disk and unsaved ones; the `Lua` section (LuaLS's keys) goes to the server on
// every change, and it also asks for it with workspace/configuration.
export function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: 'file', language: 'lua' },
      { scheme: 'untitled', language: 'lua' },
    ],
    synchronize: { configurationSection: ['Lua'] },
  };
}
