// Starts `govrules lsp` for .gr files. The command, its arguments and the rule paths to
// load first come from the settings govrules.server.command, govrules.server.args and
// govrules.rules (see docs/editors.md).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("govrules");
  const server = {
    command: settings.get("server.command", "govrules"),
    args: settings.get("server.args", ["lsp"]),
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "govrules" }],
    initializationOptions: { rules: settings.get("rules", []) },
  };
  client = new LanguageClient("govrules", "govrules", server, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
