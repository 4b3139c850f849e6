// API keys in VS Code's SecretStorage, one per endpoint. Never in settings, logs, events or the webview.
import type * as vscode from 'vscode';
import { describeEndpoint } from '../../core/llm/openai.js';

/** Secret name for an endpoint: its scheme, host and path (credentials and query stripped). */
export function secretKeyFor(baseUrl: string): string {
  return `reasonflux.apiKey:${describeEndpoint(baseUrl.trim()).toLowerCase()}`;
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
