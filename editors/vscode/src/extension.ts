// The extension's entry point: the language client for `moonring lsp`, restarted when the
// `moonring` settings change, and the `moonring-lua` debug type.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { AdapterFactory, ConfigurationProvider, DEBUG_TYPE } from './debug';
import { clientOptions, serverOptions } from './server';
import { readSettings, Settings } from './settings';

let client: LanguageClient | undefined;

function currentSettings(): Settings {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return readSettings(vscode.workspace.getConfiguration('moonring'), folder);
}

async function startClient(): Promise<void> {
  const next = new LanguageClient(
    'moonring',
    'moonring',
    serverOptions(currentSettings()),
    clientOptions(),
  );
  client = next;
  try {
    await next.start();
  } catch (error) {
    const reason = String(error);
    void vscode.window.showErrorMessage(
      `moonring: could not start the language server (${reason}); see the "moonring.path" setting.`,
    );
  }
}

async function restartClient(): Promise<void> {
  const previous = client;
  client = undefined;
  // A client whose server never started cannot be stopped; it is replaced all the same.
  await previous?.stop().catch(() => undefined);
  await startClient();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(
      DEBUG_TYPE,
      new AdapterFactory(currentSettings),
    ),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.commands.registerCommand('moonring.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration('moonring.path') ||
        event.affectsConfiguration('moonring.server')
      ) {
        void restartClient();
      }
    }),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await client?.stop().catch(() => undefined);
  client = undefined;
}
