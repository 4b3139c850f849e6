// VS Code's Language Model API (vscode.lm) behind the same ChatModel interface as the HTTP providers.
import * as vscode from 'vscode';
import type { ChatChunk, ChatModel, ChatRequest } from '../../core/llm/types.js';
import { LlmError } from '../../core/llm/types.js';

export const VSCODE_LM_PREFIX = 'vscode-lm:';

function estimate(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Models VS Code offers (may be empty; may ask nothing of the user). */
export async function listLmModels(): Promise<vscode.LanguageModelChat[]> {
  if (!vscode.lm?.selectChatModels) return [];
  try {
    return await vscode.lm.selectChatModels({});
  } catch {
    return [];
  }
}

export function lmModelSetting(m: vscode.LanguageModelChat): string {
  return `${VSCODE_LM_PREFIX}${m.id}`;
}

/** Adapts one vscode.lm chat model. System messages become user messages (the API has no system role). */
export function createLmModel(m: vscode.LanguageModelChat): ChatModel {
  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk, void, undefined> {
    const started = Date.now();
    const messages = request.messages.map((msg) =>
      msg.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(msg.content) : vscode.LanguageModelChatMessage.User(msg.content),
    );
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    let firstTokenMs: number | undefined;
    try {
      if (request.signal?.aborted) throw new LlmError('cancelled', 'request cancelled');
      const response = await m.sendRequest(
        messages,
        { justification: vscode.l10n.t('ReasonFlux solves the problem you selected.') },
        cts.token,
      );
      for await (const part of response.text) {
        if (request.signal?.aborted) throw new LlmError('cancelled', 'request cancelled');
        if (!part) continue;
        firstTokenMs ??= Date.now() - started;
        text += part;
        yield { type: 'delta', text: part };
      }
    } catch (err) {
      if (err instanceof LlmError) throw err;
      if (request.signal?.aborted) throw new LlmError('cancelled', 'request cancelled', { cause: err });
      const message = err instanceof Error ? err.message : String(err);
      const kind = err instanceof vscode.LanguageModelError && /NoPermissions|Blocked/i.test(err.code) ? 'auth' : 'server';
      throw new LlmError(kind, `VS Code language model ${m.name} failed: ${message}`, { cause: err });
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
    const promptTokens = request.messages.reduce((n, msg) => n + 4 + estimate(msg.content), 2);
    const completionTokens = estimate(text);
    yield {
      type: 'done',
      usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true },
      latencyMs: Date.now() - started,
      ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
      model: m.id,
      retries: 0,
    };
  }
  return { id: `vscode-lm:${m.vendor}/${m.id}`, label: m.name || m.id, stream };
}
