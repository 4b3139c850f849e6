// API keys in VS Code's SecretStorage, one per endpoint. Never in settings, logs, events or the webview.
import type * as vscode from 'vscode';

/** An endpoint as shown to users and used to name its secret: scheme, host, path (no credentials, query). */
export function endpointLabel(baseUrl: string): string {
  try {
    const u = new URL(baseUrl.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.trim().replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** Secret name for an endpoint: its scheme, host and path (credentials and query stripped). */
export function secretKeyFor(baseUrl: string): string {
  return `reasonflux.apiKey:${endpointLabel(baseUrl).toLowerCase()}`;
}

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(baseUrl: string): Promise<string | undefined> {
    if (!baseUrl.trim()) return undefined;
    const v = await this.secrets.get(secretKeyFor(baseUrl));
    return v || undefined;
  }

  async set(baseUrl: string, key: string): Promise<void> {
    await this.secrets.store(secretKeyFor(baseUrl), key);
  }

  async delete(baseUrl: string): Promise<void> {
    await this.secrets.delete(secretKeyFor(baseUrl));
  }
}
