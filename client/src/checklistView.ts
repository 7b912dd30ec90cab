import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';

/**
 * The checklist panel: a tree of integrations -> checklist items -> findings. Everything in it comes from the
 * server's `haSecurity/checklist` answer; the client only lays it out.
 */

export const CHECKLIST_VIEW = 'haSecurity.checklist';
const CHECKLIST_REQUEST = 'haSecurity/checklist';
const CHECKLIST_CHANGED = 'haSecurity/checklistChanged';
/** Typing sends a change per keystroke; the panel follows once the burst settles. */
const REFRESH_DELAY_MS = 300;

type Status = 'fail' | 'pass' | 'not-applicable' | 'review';
type Severity = 'error' | 'warning' | 'info' | 'hint';

interface ChecklistFinding {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  rule: string;
  checklist: string;
  severity: Severity;
  message: string;
}

interface ChecklistEntry {
  id: string;
  title?: string;
  status: Status;
  findings: number;
  note: string;
}

interface IntegrationChecklist {
  domain: string;
  root: string;
  checklist: ChecklistEntry[];
  findings: ChecklistFinding[];
}

type Node =
  | { kind: 'integration'; integration: IntegrationChecklist }
  | { kind: 'item'; integration: IntegrationChecklist; entry: ChecklistEntry }
  | { kind: 'finding'; finding: ChecklistFinding };

const STATUS_LABEL: Record<Status, string> = { fail: 'fail', review: 'review', pass: 'pass', 'not-applicable': 'n/a' };
const STATUS_ICON: Record<Status, vscode.ThemeIcon> = {
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  review: new vscode.ThemeIcon('eye', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  'not-applicable': new vscode.ThemeIcon('circle-slash'),
};
const SEVERITY_ICON: Record<Severity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
  hint: new vscode.ThemeIcon('lightbulb'),
};

export class ChecklistView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A change arrived while the panel was hidden; fetch when it shows again instead of on every keystroke. */
  private stale = false;

  constructor(private readonly client: LanguageClient, private readonly output: vscode.LogOutputChannel) {
    this.view = vscode.window.createTreeView(CHECKLIST_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility(({ visible }) => {
        if (visible && this.stale) this.refresh();
      }),
      // The client keeps this handler across server restarts (it re-registers it on each new connection).
      client.onNotification(CHECKLIST_CHANGED, () => this.refreshSoon()),
      // A (re)started or stopped server changes what there is to show.
      client.onDidChangeState(() => this.refreshSoon()),
    );
  }

  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stale = false;
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    if (!this.view.visible) {
      this.stale = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), REFRESH_DELAY_MS);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const integrations = await this.fetch();
      return integrations.map((integration) => ({ kind: 'integration', integration }));
    }
    if (node.kind === 'integration') return node.integration.checklist.map((entry) => ({ kind: 'item', integration: node.integration, entry }));
    if (node.kind === 'item') {
      return node.integration.findings.filter((finding) => finding.checklist === node.entry.id).map((finding) => ({ kind: 'finding', finding }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'integration') {
      const { integration } = node;
      const failing = integration.checklist.filter((entry) => entry.status === 'fail').length;
      const item = new vscode.TreeItem(integration.domain, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${vscode.workspace.asRelativePath(vscode.Uri.parse(integration.root))} · ${failing > 0 ? `${failing} failing` : 'no failing items'}`;
      item.tooltip = vscode.Uri.parse(integration.root).fsPath;
      item.resourceUri = vscode.Uri.parse(integration.root);
      item.iconPath = failing > 0 ? STATUS_ICON.fail : STATUS_ICON.pass;
      item.contextValue = 'integration';
      return item;
    }
    if (node.kind === 'item') {
      const { entry } = node;
      const hasFindings = entry.status === 'fail' && entry.findings > 0;
      const item = new vscode.TreeItem(entry.title ?? entry.id, hasFindings ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = hasFindings ? `${STATUS_LABEL[entry.status]} (${entry.findings})` : STATUS_LABEL[entry.status];
      item.tooltip = new vscode.MarkdownString().appendText(`${entry.id}: ${STATUS_LABEL[entry.status]}\n\n${entry.note}`);
      item.iconPath = STATUS_ICON[entry.status];
      item.contextValue = `item.${entry.status}`;
      return item;
    }
    const { finding } = node;
    const uri = vscode.Uri.parse(finding.uri);
    const range = new vscode.Range(finding.range.start.line, finding.range.start.character, finding.range.end.line, finding.range.end.character);
    const item = new vscode.TreeItem(finding.message, vscode.TreeItemCollapsibleState.None);
    item.description = `${vscode.workspace.asRelativePath(uri)}:${finding.range.start.line + 1}`;
    item.tooltip = `${finding.rule} (${finding.severity})\n${finding.message}`;
    item.iconPath = SEVERITY_ICON[finding.severity] ?? SEVERITY_ICON.info;
    item.command = { title: 'Open', command: 'vscode.open', arguments: [uri, { selection: range } satisfies vscode.TextDocumentShowOptions] };
    return item;
  }

  private async fetch(): Promise<IntegrationChecklist[]> {
    if (this.client.state !== State.Running) return [];
    try {
      return (await this.client.sendRequest<IntegrationChecklist[] | null>(CHECKLIST_REQUEST, {})) ?? [];
    } catch (error) {
      this.output.error(`The checklist could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
