// What a highlighted span asks, told without a model: its question sentence, else its task sentence. Pure.

const TASK = /^(find|compute|calculate|determine|evaluate|prove|show|solve|simplify|how many|what|which|let|suppose|구하|증명|계산|求|证明|计算)/i;

/** The sentence that states the task (a question, or an imperative), else the start of the text. */
export function whatItAsks(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentences = flat.match(/[^.?!。？！]+[.?!。？！]?/g) ?? [flat];
  const question = sentences.find((s) => /[?？]/.test(s));
  const task = [...sentences].reverse().find((s) => TASK.test(s.trim()));
  const pick = (question ?? task ?? sentences[0] ?? flat).trim();
  return pick.length > 300 ? `${pick.slice(0, 297)}…` : pick;
}
