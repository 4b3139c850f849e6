// Words the detector recognises: problem-like labels and headings, task verbs, solution markers,
// in English, German, French, Spanish, Russian, Chinese, Japanese and Korean. Pure data + regexes.
import type { ProblemKind } from './types.js';
import { detach } from './segments.js';

/**
 * Caches a pure string → value function (the incremental detector asks the same questions again). Bounded by entries
 * and by the characters its keys hold; keys are copies, so a cached question never keeps a document version alive.
 */
function memo<T>(fn: (s: string) => T, cap = 30000, maxChars = 4_000_000): (s: string) => T {
  let cache = new Map<string, T>();
  let chars = 0;
  return (s: string): T => {
    const hit = cache.get(s);
    if (hit !== undefined || cache.has(s)) return hit as T;
    const v = fn(s);
    if (s.length > maxChars / 8) return v;
    if (cache.size >= cap || chars + s.length > maxChars) {
      cache = new Map();
      chars = 0;
    }
    cache.set(detach(s), v);
    chars += s.length;
    return v;
  };
}

/** Arabic-Indic (٠-٩) and Persian (۰-۹) digits as ASCII digits: "تمرين ٣", "#### ١.١ …" are numbered like "3", "1.1". */
export function asciiDigits(s: string): string {
  if (!/[\u0660-\u0669\u06f0-\u06f9]/u.test(s)) return s;
  return s.replace(/[\u0660-\u0669\u06f0-\u06f9]/gu, (c) => String(c.codePointAt(0)! & 0xf));
}

/** Emoji and pictographs decorating the start of a heading or label ("📝 Bài 1", "✏️ Exercise 2", "🔎 Lời giải"). */
const ADORNMENT = /^(?:[\p{Extended_Pictographic}\p{So}\uFE0F\u200D]+\s*)+/u;
function unadorned(s: string): string {
  return ADORNMENT.test(s) ? s.replace(ADORNMENT, '') : s;
}

// Singular labels that name one problem ("Problem 3", "Aufgabe 2", "問題1").
const PROBLEM_WORDS =
  'problem|prob\\.?|aufgabe|aufgabenstellung|prüfungsaufgabe|hausaufgabe|zusatzaufgabe|bonusaufgabe|pflichtaufgabe|textaufgabe|sachaufgabe|knobelaufgabe|präsenzaufgabe|problème|probleme|problema|задача|задание|問題|问题|문제|题目|題目|习题|習題|试题|試題|homework problem|hw|' +
  // Nordic, Dutch, Greek, Slovak/Czech, Polish, Portuguese
  'oppgave|opgave|uppgift|opgave|πρόβλημα|úloha|zadanie|zadatak|questão|problemă|' +
  // Hungarian, Finnish, Turkish, Indonesian/Malay, Vietnamese, Ukrainian/Macedonian/Serbian, Romanian, Persian, Arabic
  'feladat|tehtävä|soru|soal|bài toán|bài|завдання|задатак|مسئله|مسأله|مسألة|سؤال|' +
  // The statement of one problem, headed as such ("## Enunț", "Enunciado", "Énoncé", "Zadání", "Условие задачи")
  'enunț|enunţ|enunt|enunțul|enunciado|énoncé|enoncé|problem statement|zadání|условие задачи|условие|' +
  // Abbreviations, with a number only (see matchProblemLabelRaw): "Zad. 3", "Aufg. 2", "Opg. 4", "Oppg. 1", "Uppg. 5", "Ej. 2"
  'zad\\.?|aufg\\.?|opg\\.?|oppg\\.?|uppg\\.?|ej\\.|ejer\\.?|exerc\\.|es\\.|zadat\\.?|ćw\\.';
const EXERCISE_WORDS =
  'exercise|excercise|exercice|excercice|exersise|excersise|exer\\.?|ex\\.|übung|uebung|übungsaufgabe|exercice|ejercicio|exercício|esercizio|упражнение|練習|练习|연습|연습문제|演習|challenge|' +
  'ex(?=\\s?[0-9])|øvelse|övning|oefening|άσκηση|cvičenie|cvičení|ćwiczenie|exercițiu|exercițiul|' +
  'gyakorlat|harjoitus|alıştırma|latihan|bài tập|вправа|вежба|vježba|تمرین|تمرين';
const QUESTION_WORDS = 'question|q|frage|pregunta|questão|вопрос|질문|设问|問い|問|spørsmål|fråga|vraag|domanda|ερώτηση|otázka|pytanie|kérdés|kysymys|câu|pertanyaan|питання|прашање|întrebare|پرسش';

/** Heading or bold label naming ONE problem, e.g. "Problem 3", "Exercise 2.1:", "Aufgabe", "問題 1".
 * The word may not run on into letters (the same rule as the check in matchProblemLabelRaw), so that
 * an abbreviation of one list ("Ejer.") that is the head of a word of another ("Ejercicio") lets the
 * regex go on to that word instead of failing the line. */
const longestFirst = (alts: string): string =>
  alts
    .split('|')
    .sort((a, b) => b.length - a.length)
    .join('|');
const SINGLE_LABEL = new RegExp(
  `^\\s*(?:(${longestFirst(PROBLEM_WORDS)})|(${longestFirst(EXERCISE_WORDS)})|(${longestFirst(QUESTION_WORDS)}))(?:(?<=[\\p{Script=Han}\\p{Script=Hangul}])|(?![a-zà-ÿа-я]))\\s*(?:no\\.?\\s*|#\\s*|№\\s*)?` +
    `([0-9０-９]+(?:[.\\-][0-9]+)*[a-z]?|[ivxlc]+|[一二三四五六七八九十]+)?\\s*(?:[.:：)\\]-]|\\(.*\\))?\\s*(.*)$`,
  'iu',
);

/** Heading words naming a collection of problems ("Exercises", "Übungen", "練習問題"). */
const CONTAINER_HEADING = new RegExp(
  `^(?:[\\d.\\s]*)(?:[一二三四五六七八九十]+[、.．]\\s*)?(?:(?:additional|more|practice|review|homework|supplementary|further|introductory|main|extension|challenge|warm-?up)\\s+)?(?:problems|exercises|questions|problem set|exercise set|homework|aufgaben|übungen|übungsaufgaben|exercices|problèmes|ejercicios|problemas|задачи|упражнения|вопросы|練習問題|演習問題|問題|问题|练习题|연습\\s*문제|문제|习题|練習|练习|課題|tasks|übungsblatt|aufgabenblatt|feuille d'exercices|hoja de ejercicios|домашнее задание|задания|作业|宿題|과제|选择题|選擇題|填空题|填空題|计算题|計算題|证明题|證明題|判断题|判斷題|解答题|解答題|应用题|應用題|简答题|簡答題|選択問題|記述問題|計算問題|` +
    `oppgaver|øvelser|opgaver|uppgifter|övningar|opgaven|oefeningen|esercizi|exercícios|ασκήσεις|προβλήματα|úlohy|cvičenia|cvičení|zadania|ćwiczenia|exerciții|` +
    `feladatok|gyakorlatok|tehtävät|harjoitukset|sorular|alıştırmalar|soal-soal|latihan soal|soal latihan|bài tập|câu hỏi|завдання|вправи|задаци|вежби|zadaci|vježbe|probleme|تمرین‌ها|تمرین ها|تمرینات|تمرينات|تمارين|مسائل|أسئلة|سؤالات|سوالات|پرسش‌ها)(?!\\p{L})`,
  'iu',
);

export type LabelMatch = { kind: ProblemKind; label: string; number?: string; rest: string; numbered: boolean };

/** "Problem 3." → problem; "Exercises" → undefined (plural: a container). */
function matchProblemLabelRaw(raw: string): LabelMatch | undefined {
  const plain = raw.replace(/[*_`]/g, '').trim();
  const text = asciiDigits(unadorned(plain));
  // A decorated label counts with its number only ("📝 Bài 1"): "❓Question" over a student's query is a FAQ entry.
  const adorned = text.length !== plain.length;
  if (!text || text.length > 200) return undefined;
  // "第1問", "第 3 题", "大問2": an ordinal problem label in Japanese / Chinese.
  const ord = /^(?:大)?(?:第\s*([0-9０-９]+|[一二三四五六七八九十百]+)\s*(?:問題|問|题|題|小题|小題))\s*[.:：、]?\s*(.*)$/u.exec(text);
  if (ord) {
    const rest = (ord[2] ?? '').trim();
    return { kind: 'problem', label: text.slice(0, text.length - rest.length).replace(/[\s.:：、]+$/u, ''), number: ord[1], rest, numbered: true };
  }
  const m = SINGLE_LABEL.exec(text);
  if (!m) {
    // A textbook section number before a numbered label: "4-2 Ex.2", "1.3 Problem 5", "§2 Exercise 4".
    const sec = /^(?:§\s*)?[0-9]+(?:[.-][0-9]+)*\.?\s*(?=\p{L})/u.exec(text);
    if (!sec || sec[0].length === text.length) return undefined;
    const inner = matchProblemLabelRaw(text.slice(sec[0].length));
    return inner?.numbered ? { ...inner, label: `${sec[0]}${inner.label}`.trim() } : undefined;
  }
  const word = m[1] ?? m[2] ?? m[3] ?? '';
  const number = m[4];
  const rest = (m[5] ?? '').trim();
  // CJK has no word breaks: "問題A. …", "問題C" are the label and a letter, not a longer word.
  const cjk = /[\p{Script=Han}\p{Script=Hangul}]$/u.test(word);
  // Bare "Q" / "Ex." / "Prob." / "hw" need a number.
  if (!number && /^(q|ex\.|prob\.?|exer\.?|hw|問|zad\.?|aufg\.?|opg\.?|oppg\.?|uppg\.?|ej\.|ejer\.?|exerc\.|es\.|zadat\.?|ćw\.|câu|soal|soru|bài)$/iu.test(word)) return undefined;
  // Vietnamese "Bài N" heads an exercise ("Bài 1", "Bài 2. Tính …") and also a textbook lesson ("Bài 2. Các quy tắc …"):
  // a title after the number must state a task.
  if (/^bài$/iu.test(word) && rest && !statesTask(rest)) return undefined;
  // A plural or a longer word ("Problems", "Questionnaire") is not this label: require a word boundary.
  const after = text.slice(text.toLowerCase().indexOf(word.toLowerCase()) + word.length);
  if (!cjk && /^[a-zà-ÿа-я]/iu.test(after)) return undefined;
  if (adorned && !number) return undefined;
  const kind: ProblemKind = m[1] ? 'problem' : m[2] ? 'exercise' : 'question';
  const labelEnd = text.length - (m[5] ?? '').length;
  const label = text.slice(0, labelEnd).replace(/[\s.:：)\]-]+$/u, '').trim();
  return { kind, label, number, rest, numbered: !!number };
}

/** A heading that holds a list/collection of problems. */
function isContainerHeadingRaw(raw: string): boolean {
  const t = unadorned(raw.replace(/[*_`#]/g, '').trim());
  if (!t || t.length > 80) return false;
  const label = matchProblemLabel(t);
  if (label?.numbered) return false;
  // "問題" (like "习题", "문제") names one problem as well as many: "### 問題. …例を挙げよ．" states one task, while
  // "## 問題：次の式を計算せよ" is an instruction over the items that follow.
  if (label && label.rest && statesTaskStrict(label.rest) && !/次の|以下の|下記の|下列|如下|다음|following|below|folgende|suivant|siguiente|seguent|следующ/iu.test(label.rest)) return false;
  return CONTAINER_HEADING.test(t);
}

/** A heading/label that is only a number: "1.", "(2)", "3)", "Q4" — problem-like when its body states a task. */
export function isNumberOnlyLabel(raw: string): boolean {
  return /^\s*(?:[0-9０-９]{1,3}(?:\.[0-9]{1,2})?[.)：:]?|第\s*[0-9一二三四五六七八九十]+\s*[题題問问]?|【\s*[0-9０-９]{1,3}\s*】|［\s*[0-9０-９]{1,3}\s*］|\[\s*[0-9]{1,3}\s*\])\s*$/u.test(asciiDigits(raw.replace(/[*_`]/g, '')));
}

/** A heading numbered "3.", "1.1", "٢.١" whose title goes on to state the whole task with its data, "1.1 Find the edge
 *  of a cube of volume $27$": the statement (after the number), else undefined. Not a title that only names a topic or a
 *  step of a method ("2. Compute the powers": no data), nor a sub-part number. */
function numberedTaskTitleRaw(raw: string): { number: string; rest: string; dataBelow?: boolean } | undefined {
  const t = raw.replace(/[*_`]/g, '');
  // (asciiDigits keeps every offset: one UTF-16 unit for one.)
  // "1.1 …", "3) …", and "1.次の…" (CJK needs no space after the number).
  const m = /^\s*(\d{1,3}(?:\.\d{1,3}){0,2})(?:[.):．、]\s*(?=[^\s\p{Script=Latin}\d])|[.):]?\s+)(\S.*)$/su.exec(asciiDigits(t));
  if (!m) return undefined;
  const rest = t.slice(t.length - m[2]!.length).trim();
  if (rest.length < 5 || !statesTaskStrict(rest)) return undefined;
  // With its data, or in a CJK imperative ("…を計算しなさい", "…구하시오"), which no section title uses; otherwise
  // ("2. Вычислить пределы") only when the section below holds nothing but that data (see markdown.ts).
  if (hasMath(rest) || CJK_IMPERATIVE.test(rest)) return { number: m[1]!, rest };
  return { number: m[1]!, rest, dataBelow: true };
}

/** A sub-part label: (1), (a), a), (i). */
export function isSubpartLabel(raw: string): boolean {
  return /^\s*(?:\(\s*[0-9a-z]{1,3}\s*\)|[a-z]\)|\(?[ivx]{1,4}\))\s*$/iu.test(raw.replace(/[*_`]/g, ''));
}

const SOLUTION_WORDS =
  /^\s*(?:solution|solutions|answer|answers|proof|sol\.|soln\.?|lösung|lösungen|loesung|beweis|antwort|solución|respuesta|demostración|solution proposée|corrigé|réponse|démonstration|решение|ответ|доказательство|解答|解|答|答え|证明|證明|풀이|정답|답|증명|解答例|模範解答|参考解答|略解|解説|答案|解析|soluzione|soluzioni|risposta|dimostrazione|løsning|løsningsforslag|lösningsförslag|svar|oplossing|antwoord|rozwiązanie|odpowiedź|dowód|riešenie|řešení|odpoveď|odpověď|důkaz|dôkaz|solução|resolução|resposta|demonstração|λύση|απάντηση|απόδειξη|розв'язання|розв’язання|відповідь|доведення|çözüm|cevap|ispat|løysing|fasit|lösning|bewijs|简评|提示|lời giải|bài giải|đáp án|hướng dẫn giải|rezolvare|soluție|soluţie|solutie|răspuns|raspuns|respostas|soluções|resoluções|해답|해설)(?![\p{L}])\s*[.:：)]?/iu;

/** "Solution", "Proof.", "Lösung:", "解答" at the start of a heading/paragraph. */
function isSolutionLabelRaw(raw: string): boolean {
  const t = unadorned(raw.replace(/[*_`#>]/g, '').trim());
  if (!t) return false;
  // CJK has no word breaks: "答案与解析", "参考答案", "解答と解説" open an answers section.
  if (/^(?:参考|部分)?(?:答案|解答|题解|題解|详解|詳解|解説|解析)(?:[与及和、・と]|$|\s|[:：（(])/u.test(t)) return true;
  const m = SOLUTION_WORDS.exec(t);
  if (!m) return false;
  // "Answer the following" / "Solve" are tasks, not solution markers.
  const after = t.slice(m[0].length);
  if (/^[a-z]/i.test(after) && !/^\s/.test(after)) return false;
  if (/^(answer|antwort)\s+(the|all|each|every|these|this|die|der|alle)\b/i.test(t)) return false;
  if (/^svar\s+på\b/iu.test(t)) return false;
  if (/^解/.test(t) && /^解[方程答得]/.test(t) && !/^解答/.test(t)) return false;
  return true;
}

/** Worked example headings/labels: "Example", "Example 2", "Beispiel", "例題", "예제". */
function isExampleLabelRaw(raw: string): boolean {
  const t = unadorned(raw.replace(/[*_`#]/g, '').trim());
  return /^(?:worked\s+)?(?:example|examples|beispiel|beispiele|exemple|exemples|ejemplo|ejemplos|пример|примеры|例|例題|例题|예제|예시|eksempel|eksempler|exempel|voorbeeld|voorbeelden|esempio|esempi|exemplo|exemplos|παράδειγμα|παραδείγματα|przykład|przykłady)(?:\s*[0-9.]+)?\s*[.:：)]?(?:\s|$)/iu.test(t);
}

// Imperative task verbs at the start of a sentence/clause, per language.
const EN_VERBS =
  'find|compute|calculate|prove|show|for which|for what values? of|determine|evaluate|solve|simplify|count|derive|verify|explain|justify|sketch|draw|give|write|express|factor|factori[sz]e|expand|integrate|differentiate|estimate|decide|identify|characteri[sz]e|classify|construct|list|establish|deduce|plot|compare|convert|rewrite|approximate|minimi[sz]e|maximi[sz]e|describe|speculate|make a table|complete the|use|graph|state and prove|disprove|enumerate|check|test whether|argue|demonstrate|obtain|calculate|investigate|suppose that .* (?:find|show|prove)';
const DE_VERBS =
  'berechne|berechnen sie|zeige|zeigen sie|definiere|definieren sie|wende|wenden sie|beschreibe|beschreiben sie|erkläre|erklären sie|nenne|nennen sie|vergleiche|formuliere|zeichne|zeichnen sie|konstruiere|schreibe|schreiben sie|beweise|beweisen sie|bestimme|bestimmen sie|finde|finden sie|löse|lösen sie|vereinfache|vereinfachen sie|untersuche|untersuchen sie|begründe|begründen sie|gib|geben sie|skizziere|skizzieren sie|ermittle|ermitteln sie|entscheide|entscheiden sie|leite|leiten sie|überprüfe|überprüfen sie|prüfe|prüfen sie|wie viele|wie häufig|wie groß|wie oft|welche|welcher|welches';
const FR_VERBS =
  'calculer|calculez|calcule|montrer|montrez|montre|démontrer|démontrez|prouver|prouvez|déterminer|déterminez|trouver|trouvez|résoudre|résolvez|simplifier|simplifiez|justifier|justifiez|étudier|étudiez|exprimer|exprimez|vérifier|vérifiez|combien|quel|quelle|quels|quelles|en déduire|dériver|intégrer';
const ES_VERBS =
  'calcula|calcule|calcular|calculad|normaliza|normalice|comprueba|compruebe|razona|explica|explique|demuestra|demuestre|demostrar|encuentra|encuentre|encontrar|halla|halle|hallar|determina|determine|determinar|resuelve|resuelva|resolver|simplifica|simplifique|prueba|pruebe|probar|justifica|justifique|muestra|muestre|cuántos|cuántas|cuánto|cuál|cuáles|expresa|exprese|deriva|integra|evalúa|evalúe|construya|construye|construir|considere|obtenga|obtén|escriba|escribe|dibuje|dibuja|grafique|grafica|verifique|verifica|compruebe|revisar|reproducir|deduzca|deduce|estime|estima|analice|analiza|encontrar';
const RU_VERBS =
  'найдите|найти|найди|докажите|доказать|докажи|вычислите|вычислить|вычисли|покажите|показать|решите|решить|реши|определите|определить|упростите|упростить|сколько|объясните|объяснить|проверьте|исследуйте|постройте|выразите|оцените|чему равно|чему равен|чему равна|при каких|какие|каков|какова|разложить|разложите|построить|исследовать|изобразить|проверить|выяснить|записать|сравнить|привести|представить|преобразовать';

// Task verbs of further languages seen in real problem sets (LaTeX side): Italian, Portuguese, Dutch,
// Norwegian/Danish/Swedish, Polish, Czech/Slovak, Ukrainian, Turkish, Greek.
const IT_VERBS =
  'calcola|calcolare|calcolate|dimostra|dimostrare|dimostrate|mostra|mostrare|mostrate|trova|trovare|trovate|determina|determinare|determinate|risolvi|risolvere|semplifica|semplificare|verifica|verificare|stabilisci|stabilire|studia|studiare|spiega|giustifica|giustificare|esprimi|disegna|quanti|quante|qual è|quali';
const PT_VERBS =
  'calcule|calcular|demonstre|demonstrar|mostre|encontre|encontrar|estude|esboce|obtenha|ache|explique|utilize|resolva|resolver|simplifique|justifique|verifique|prove que|quantos|quantas|qual é|quais|escreva|descreva|exiba|indique|faça';
const NL_VERBS = 'bereken|bewijs|toon aan|bepaal|vind|los op|vereenvoudig|hoeveel|verklaar';
const NORDIC_VERBS =
  'vis at|visa att|finn|finne|find|hitta|regn ut|beregn|beräkna|bestem|bestäm|bevis|bevisa|løs|lös|forenkle|förenkla|forklar|förklara|skriv opp|skriv|bruk|tegn|avgjør|avgör|hvor mange|hur många|hvor stor|hva er|vad är';
const PL_VERBS = 'oblicz|obliczyć|udowodnij|udowodnić|wykaż|wykazać|znajdź|wyznacz|rozwiąż|uprość|sprawdź|pokaż|ile';
const CS_VERBS =
  'dokážte|dokažte|dokážeme|vypočítajte|vypočítejte|spočítajte|spočtěte|určte|nájdite|najděte|riešte|řešte|vyriešte|vyřešte|zjednodušte|ukážte|ukažte|rozhodnite|rozhodněte|zistite|zjistěte|načrtnite|koľko|kolik|vyšetřete|sečtěte|nakreslete|rozložte';
const UK_VERBS = 'знайдіть|доведіть|обчисліть|покажіть|розв’яжіть|розв\'яжіть|визначте|спростіть|скільки';
const TR_VERBS = 'gösteriniz|bulunuz|hesaplayınız|hesaplayın|kanıtlayınız|çözünüz|ispatlayınız|kaç tane';
// Baltic olympiad and school sheets (Latvian, Lithuanian, Estonian): imperatives and question words.
const BALTIC_VERBS =
  'pierādiet|pierādīt|pierādi|atrodiet|atrast|atrodi|aprēķiniet|aprēķināt|aprēķini|noskaidrojiet|noskaidrot|nosakiet|noteikt|atrisiniet|atrisināt|izteikt|izsakiet|parādiet|parādīt|sagrieziet|cik|kāda|kāds|kādas|kādiem|kādām|kurš|vai eksistē|įrodykite|įrodyti|raskite|rasti|apskaičiuokite|išspręskite|nustatykite|kiek|tõesta|tõestage|leia|leidke|arvuta|arvutage|lahenda|lahendage|mitu|kui palju';
// "Given ..., find ...", "Si ..., calcula ...": the core task verbs after a comma.
const COMMA_TASK =
  /,\s+(?:find|compute|calculate|prove|show that|determine|evaluate|solve|simplify|derive|verify|calcula|calcule|demuestra|demuestre|halla|halle|encuentra|encuentre|determina|determine|calcola|calcolare|dimostra|dimostrare|mostra|trova|montrer|montrez|calculer|calculez|déterminer|déterminez|berechne|berechnen sie|bestimme|bestimmen sie|zeige|zeigen sie|beweise|beweisen sie|найдите|докажите|вычислите|определите|vis at|finn|beregn|bestem|oblicz|udowodnij|wyznacz|vypočítajte|vypočítejte|dokážte|dokažte|určte|tentukan|tentukanlah|hitunglah|hitung|buktikan|tunjukkan|carilah|határozza meg|határozzuk meg|számítsa ki|számítsuk ki|bizonyítsa be|bizonyítsuk be|tính|tìm|chứng minh|пресметај|пресметајте|најди|најдете|докажи|докажете|одреди|одредете|izračunaj|izračunajte|odredi|odredite|dokaži|dokažite|laske|osoita|määritä|calculați|demonstrați|arătați|determinați|aflați|ache|encontre|mostre|escreva|resolva|demonstre)(?![\p{L}])/iu;
// Czech and Slovak second-person plural imperatives are task words wherever they stand in the clause ("V Booleově
// algebře $(X, \oplus)$ zjednodušte výrazy:", after a setting and a formula, with no comma): lecture prose uses other forms.
const CS_SK_TASK_ANYWHERE =
  /(?<![\p{L}])(?:zjednodušte|vypočtěte|vypočítejte|vypočítajte|spočtěte|spočítejte|určete|najděte|nájdite|dokažte|dokážte|rozhodněte|rozhodnite|vyšetřete|sečtěte|nakreslete|zjistěte|zistite|sestrojte|zapište)(?![\p{L}])/iu;
// Greek states tasks as "να" + subjunctive ("να βρεθούν", "Να υπολογιστεί") or with imperatives.
const GREEK_TASK =
  /(?:^|[^\p{L}])(?:να\s+(?:βρ|υπολογ|δειχ|δείξ|αποδ|λυθ|λύσ|εξετ|μελετ|σχεδ|προσδιορ|εκφρ|γραφ|γράψ|απλοπ|παραγ|ολοκλ|εξηγ|δικαιολογ|επαληθ|αιτιολογ)\p{L}*|(?:βρείτε|υπολογίστε|αποδείξτε|δείξτε|λύστε|εξετάστε|σχεδιάστε|προσδιορίστε|απλοποιήστε|πόσα|πόσοι|πόσες)(?![\p{L}]))/iu;
// Further forms seen in Markdown problem sets (Nordic, Dutch, Italian, Portuguese, Greek, Czech/Slovak, Polish).
const MD_VERBS =
  'bestem|finn|regn ut|beregn|vis at|deriver|løs|forklar|skisser|avgjør|beräkna|bestäm|visa att|lös|bereken|bepaal|bewijs|toon aan|calcola|calcolare|calcolate|dimostra|dimostrare|dimostrate|determina|determinare|determinate|trova|trovare|trovate|risolvi|risolvere|risolvete|verifica|verificare|semplifica|stabilire|stabilisci|calcule|mostre|prove|resolva|encontre|simplifique|justifique|να βρείτε|να υπολογίσετε|να αποδείξετε|να δείξετε|να λύσετε|να εξετάσετε|βρείτε|υπολογίστε|αποδείξτε|δείξτε|λύστε|vypočítajte|vypočítejte|vypočtěte|spočítejte|spočtěte|napište|napíšte|proveďte|porovnejte|odhadněte|ověřte|nakreslete|načrtněte|dokážte|dokažte|určte|určete|nájdite|najděte|riešte|řešte|zistite|zjistěte|ukážte|ukažte|rozhodnite|rozhodněte|oblicz|obliczyć|udowodnij|wyznacz|znajdź|rozwiąż|wykaż|sprawdź|uzasadnij';
// Languages first seen in the tenth first-sight check: Hungarian (first person plural and formal imperatives), Vietnamese,
// Indonesian/Malay, Macedonian/Serbian/Croatian, Finnish, Romanian, Persian, Arabic; more Czech, Dutch, Swedish, Turkish.
const HU_VERBS =
  'határozza meg|határozzuk meg|határozd meg|számítsa ki|számítsuk ki|számítsd ki|számolja ki|számoljuk ki|bizonyítsa be|bizonyítsuk be|bizonyítsd be|igazolja|igazoljuk|igazold|oldja meg|oldjuk meg|oldd meg|mutassa meg|mutassuk meg|mutasd meg|adja meg|adjuk meg|add meg|írja fel|írjuk fel|írd fel|ábrázolja|ábrázoljuk|ábrázold|döntse el|döntsük el|döntsd el|hozzuk egyszerűbb alakra|egyszerűsítse|egyszerűsítsük|vizsgálja meg|vizsgáljuk meg|hány|hányféle|hányféleképpen|mennyi|mekkora|melyik';
const VI_VERBS = 'tính(?! chất)|tìm|chứng minh|giải thích|giải|rút gọn|xác định|xét|viết|vẽ|biểu diễn|hãy|có bao nhiêu|bao nhiêu';
const ID_VERBS =
  'tentukan|tentukanlah|buktikan|buktikanlah|hitunglah|hitung|carilah|tunjukkan|tunjukkanlah|selesaikan|selesaikanlah|sederhanakan|sederhanakanlah|jelaskan|gambarlah|nyatakan|berapa|berapakah|ada berapa';
const SLAVIC_VERBS =
  'докажи|докажете|пресметај|пресметајте|најди|најдете|одреди|одредете|определи|реши|решете|колку|израчунај|израчунајте|одредите|нађите|докажи да|dokaži|dokažite|izračunaj|izračunajte|odredi|odredite|nađi|nađite|riješi|riješite|reši|rešite|pokaži|pokažite|koliko|vyslovte|určete|vypočtěte|spočtěte|zdůvodněte|vysvětlete|sestrojte|zapište|upravte';
const FI_RO_VERBS =
  'laske|osoita|todista|määritä|ratkaise|etsi|selvitä|sievennä|kuinka monta|montako|calculați|calculaţi|demonstrați|demonstraţi|arătați|arătaţi|determinați|determinaţi|aflați|aflaţi|rezolvați|rezolvaţi|găsiți|găsiţi|câte|câți|s[ăa] se (?:calculeze|determine|arate|demonstreze|rezolve|afle|studieze|g[ăa]seasc[ăa]|verifice|stabileasc[ăa]|reprezinte|compare|simplifice|scrie|exprime)';
const FA_AR_VERBS = 'ثابت کنید|نشان دهید|محاسبه کنید|بیابید|پیدا کنید|حل کنید|تعیین کنید|چند|أثبت|اثبت|احسب|أوجد|اوجد|بين أن|بيّن أن|حل المعادلة|كم';
const MORE_NL_SV_TR =
  'geef|teken|schrijf|leid af|laat zien dat|onderzoek|controleer|ange|rita|undersök|utvärdera|räkna ut|räkna|lös ut|derivera|integrera|skissa|motivera|faktorisera|udregn|reducer|bulun|gösterin|kanıtlayın|çözün|belirleyiniz|belirleyin|sadeleştiriniz|kaçtır';
const MORE_VERBS = [IT_VERBS, PT_VERBS, NL_VERBS, NORDIC_VERBS, PL_VERBS, CS_VERBS, UK_VERBS, TR_VERBS, BALTIC_VERBS, MD_VERBS, HU_VERBS, VI_VERBS, ID_VERBS, SLAVIC_VERBS, FI_RO_VERBS, FA_AR_VERBS, MORE_NL_SV_TR].join('|');

// A textbook exercise number before the task, "1.2 najděte …", "3.4.1) Find …" (at most three levels).
const EXERCISE_NUMBER = '\\d{1,3}(?:\\.\\d{1,3}){1,2}[.:)]?\\s+';
const LATIN_TASK = new RegExp(
  `(?:^|^\\s*${EXERCISE_NUMBER}|[.!?;:]\\s+|(?:\\$\\$|\\\\\\])\\s+|\\n[ \\t]*\\n\\s*|\\n[ \\t]*(?:[-•*]|\\d+[.)])\\s+|(?:\\(\\s*[a-z0-9.,]{1,5}\\s*(?:points?|pts?\\.?|pontos|punkte|puntos|points)?\\s*\\)\\s*)+|(?<=\\s)[A-Za-z]\\)\\s+|\\b(?:then|also|hence|now|dann|puis|luego|poi|и|затем|så)\\s+|(?<!\\bto\\s+\\p{L}+\\s)\\b(?:and|und|et|y)\\s+|[⌨✍]\\s*)(?:${EN_VERBS}|${DE_VERBS}|${FR_VERBS}|${ES_VERBS}|${RU_VERBS}|${MORE_VERBS})(?![\\p{L}])`,
  'iu',
);
// "Show that", "prove that", "is it true that" anywhere in a clause (not only sentence-initial).
// Not after "to", "we", "can" ...: "in order to find the roots", "we show that" describe, they do not ask.
const LATIN_TASK_ANYWHERE =
  /(?<!\b(?:to|we|i|they|can|will|would|could|shall|may|might|us|wir|nous|on|vamos|мы)\s)\b(?:show that|prove that|find all|find the|compute the|calculate the|determine whether|determine the|evaluate the|is it true that|how many|how much|what is the|what are the|does there exist|do there exist|zeigen sie,? dass|beweisen sie,? dass|montrer que|démontrer que|demuestra que|demostrar que|докажите,? что|покажите,? что|dimostra(?:re)? che|mostra(?:re)? che|calcola(?:re)? (?:il|la|l'|i|le|gli)|determina(?:re)? (?:il|la|l'|i|le|gli|se)|mostre que|vis at|visa att|toon aan dat|wykaż,? że|dokážte,? že|доведіть,? що)(?![\p{L}])/iu;
// A Japanese ichidan imperative in "-eyo" closes a task: 挙げよ, 調べよ, 比べよ, 考えよ, 定めよ (求めよ, 答えよ are listed too).
const JA_EYO = '[\\p{Script=Han}\\p{Script=Hiragana}][えけげせぜてでねべめれ]よ(?=[。．、，,.\\s]|$)';
const CJK_TASK_WORDS =
  /(?:せよ|しなさい|なさい[。．]|解け(?!る)|求めよ|求めなさい|示せ|示しなさい|証明せよ|証明しなさい|計算せよ|計算しなさい|答えよ|答えなさい|述べよ|説明せよ|説明しなさい|確かめよ|解きなさい|求め[、。]|を求め|구하시오|구하여라|구하라|구해라|구하면|증명하시오|증명하여라|증명하라|보이시오|보여라|계산하시오|계산하여라|풀어라|푸시오|설명하시오|구하세요|증명하세요|얼마인가|무엇인가|몇\s*개|试求|試求|求出|求解|求证|求證|试证|試證|证明|證明|计算|計算|化简|化簡|判断|判斷|解方程|是否|多少|几个|幾個|求[^和與与]{0,2}(?:的值|之值|值)|求\s*[$\\(（]|(?:^|[。，：\s])求[^和与與积積])/u;
const CJK_TASK = new RegExp(`${JA_EYO}|${CJK_TASK_WORDS.source}`, 'u');

// Arabic and Persian tasks, anywhere in a clause: Arabic has no capital letters and often no comma before the task
// ("إذا كان … أوجد …", "… فأوجد …"), and Persian puts the verb last ("مقدار x را بیابید"). Arabic imperatives (with
// the conjunctions ف/و attached), "أثبت أن" (the past "أثبت" has its subject between), the question particle "هل",
// "كم" (Arabic kaf; Persian "کم" means "little"), "ما قيمة/عدد …"; Persian compound imperatives (Arabic or Persian
// kaf/yeh, a space or a zero-width non-joiner) and the question particle "آیا". Not "فرض کنید" (suppose).
const AR_FA_TASK = new RegExp(
  '(?<![\\p{L}\\p{M}\\u200c])(?:' +
    '[فو]?(?:أوجد|اوجد|أوجدي|أوجدوا|احسب|احسبي|احسبوا|جد|اكتب|ارسم|بسّط|عيّن|(?:أثبت|اثبت|برهن|بيّن|بين)\\s+(?:أن|ان)|برهن\\s+على|تحقق\\s+من|هل|كم|ما\\s+(?:قيمة|عدد|مقدار|مساحة|حجم|طول|محيط|احتمال))' +
    '|(?:ثابت|محاسبه|پیدا|پيدا|حل|تعیین|تعيين|ساده|رسم|اثبات|مشخص)[\\s\\u200c]+[کك]ن[یي]د|نشان[\\s\\u200c]+ده[یي]د|ب[یي]اب[یي]د|به[\\s\\u200c]*دست[\\s\\u200c]+آور[یي]د|بنو[یي]س[یي]د|آ[یي]ا' +
    ')(?![\\p{L}\\p{M}\\u200c])',
  'u',
);
// Hebrew tasks: the imperatives of exercise sheets (masculine, feminine and plural, a conjunction ו attached:
// "חשב את הגבולות", "מצאו", "הוכיחו כי"), and the question words "האם" (whether), "כמה" (how many), "מהו/מהי" (what is).
const HE_TASK = new RegExp(
  '(?<![\\p{L}\\p{M}])ו?(?:חשב|חשבי|חשבו|מצא|מצאי|מצאו|הוכח|הוכיחי|הוכיחו|פתור|פתרי|פתרו|הראה|הראי|הראו|קבע|קבעי|קבעו|' +
    'בדוק|בדקי|בדקו|חקור|חקרו|שרטט|שרטטו|הסבר|הסבירו|נמק|נמקו|פשט|פשטו|גזור|גזרו|האם|כמה|מהו|מהי)(?![\\p{L}\\p{M}])',
  'u',
);

/** Emphasis markers, inline HTML tags and invisible format characters do not hide a task: "**Gib** die nächsten
 *  Glieder **an**.", "*Prove* that …", "<img …> \\⏎**Berechne** …", a quote opening with a line of direction marks
 *  (U+200E/U+200F) used as a spacer, read as the plain sentence ("a_n", "x_1", "$a<b$" stay as they are; the Persian
 *  zero-width non-joiner is part of words and stays too). */
function plainMarkup(text: string): string {
  let t = text;
  let changed = false;
  if (/[\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff]/u.test(t)) {
    t = t.replace(/[\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff]/gu, '');
    changed = true;
  }
  if (/[*_<\\]/.test(t)) {
    t = t
      .replace(/<\/?[A-Za-z][\w-]*(?:\s[^<>\n]*)?\/?>/g, ' ')
      .replace(/\\\n/g, '\n')
      .replace(/(?:\*\*|__)(?=\S)|(?<=\S)(?:\*\*|__)|(?<![\p{L}\d*])[*_](?=\p{L})|(?<=\p{L})[*_](?![\p{L}\d*])/gu, '');
    changed = true;
  }
  return changed ? t.replace(/^\s+/u, '') : t;
}

/** Does this text ask the reader to do mathematical work? */
function statesTaskRaw(text: string): boolean {
  if (!text) return false;
  const t = plainMarkup(text.length > 4000 ? text.slice(0, 4000) : text);
  return LATIN_TASK.test(t) || LATIN_TASK_ANYWHERE.test(t) || COMMA_TASK.test(t) || CS_SK_TASK_ANYWHERE.test(t) || CJK_TASK.test(t) || GREEK_TASK.test(t) || AR_FA_TASK.test(t) || HE_TASK.test(t) || asksQuestion(t) || posesChoiceOrBlank(t);
}

// A multiple-choice stem: option lines "A. …" then "B. …" (or "(A) …", "A) …"; capitals: (a)/(b) are sub-parts), or a
// fill-in blank "______" / "（　）": a question without a task verb.
const CHOICE_LINES = /(?:^|\n)[ \t]*(?:\(\s*A\s*\)|A[.)．、])[ \t]*\S[^\n]*\n(?:[^\n]*\n)?[ \t]*(?:\(\s*B\s*\)|B[.)．、])[ \t]*\S/;
const BLANK = /_{4,}|＿{2,}|\\underline\{\s*\\hspace|\\rule\{[^}]*\}\{0?\.[0-9]|（[ \t　]{1,}）|\([ \t]{3,}\)/;

// Four lettered options on consecutive lines, "(a) …" to "(d) …" (bulleted, one of them bold as the answer): the choices of
// a question (parts of a problem are rarely four bare options).
const LETTER_OPTIONS = new RegExp(
  ['a', 'b', 'c', 'd'].map((l) => `[ \\t]*(?:[-*+][ \\t]+)?(?:\\*\\*|__)?\\(${l}\\)[ \\t]*\\S[^\\n]*`).join('\\n'),
);

/** Options of a multiple-choice question, or a blank to fill in. */
export function posesChoiceOrBlank(text: string): boolean {
  return CHOICE_LINES.test(text) || LETTER_OPTIONS.test(text) || BLANK.test(text);
}

/** A real question (not "(why?)"). */
function asksQuestionRaw(text: string): boolean {
  if (!/[?？؟吗嗎か]/u.test(text)) return false;
  // Links ("watch?v=...", "…/svg.latex?5%20…") and rhetorical "(why?)" asides are no questions.
  const t = text
    .replace(/\]\([^)\s]*\)|\b(?:https?|ftp):\/\/\S+|\\url\{[^}]*\}/g, ' ')
    .replace(/\(\s*(?:why|wieso|warum|pourquoi|por qué|почему)\s*\??\s*\)/giu, '');
  // A question mark closing at least a short sentence (not "(why?)"), or a CJK question particle at the end.
  let prev = -1;
  for (let k = 0; k < t.length; k++) {
    const c = t[k];
    if (c === '?' || c === '？' || c === '؟') {
      const seg = t.slice(prev + 1, k).trim();
      if (seg.length >= 9 && !seg.startsWith('(')) return true;
      prev = k;
    }
  }
  return /[吗嗎か][?？。]?\s*$/u.test(t);
}

// CJK tasks in the imperative only (a lecture that mentions 計算 or 是否 does not set a task).
const CJK_IMPERATIVE_WORDS =
  /(?:求めよ|求めなさい|示せ|示しなさい|証明せよ|証明しなさい|計算せよ|計算しなさい|答えよ|答えなさい|述べよ|説明せよ|説明しなさい|確かめよ|解け|解きなさい|書け|表せ|구하시오|구하여라|구하라|증명하시오|증명하여라|보이시오|계산하시오|풀어라|푸시오|설명하시오|구하세요|试求|試求|求证|求證|试证|試證|求出|证明[：:]|證明[：:]|请计算|請計算)/u;
const CJK_IMPERATIVE = new RegExp(`${JA_EYO}|${CJK_IMPERATIVE_WORDS.source}`, 'u');

/** A task stated strictly: an imperative sentence, a task phrase or a real question (not a CJK word that only
 *  names a computation). Used where a whole section is judged by its text. */
function statesTaskStrictRaw(text: string): boolean {
  if (!text) return false;
  const t = text.length > 4000 ? text.slice(0, 4000) : text;
  return LATIN_TASK.test(t) || LATIN_TASK_ANYWHERE.test(t) || CS_SK_TASK_ANYWHERE.test(t) || CJK_IMPERATIVE.test(t) || AR_FA_TASK.test(t) || HE_TASK.test(t) || asksQuestion(t);
}

/** An imperative task sentence anywhere in the text (sentence-initial verbs only; "we show that" is not one). */
export function hasImperative(text: string): boolean {
  const t = text.length > 3000 ? text.slice(0, 3000) : text;
  return LATIN_TASK.test(t) || COMMA_TASK.test(t) || CS_SK_TASK_ANYWHERE.test(t) || CJK_TASK.test(t) || GREEK_TASK.test(t) || AR_FA_TASK.test(t) || HE_TASK.test(t);
}


/** The text's last sentence is a question (a blockquote that poses a question). */
export function endsWithQuestion(text: string): boolean {
  const t = text.replace(/\s+$/u, '');
  return /[?？؟]$/u.test(t) && asksQuestion(t);
}

/** Mathematical notation in a text: TeX math delimiters or formula-like symbols. */
export function hasMath(text: string): boolean {
  return /\$[^$\n]+\$|\$\$|\\\(|\\\[|\\begin\{(?:equation|align)|[=≤≥≠∑∫√π^]|[\d٠-٩۰-۹]\s*[-+*/×÷]\s*[\d٠-٩۰-۹]/u.test(text);
}

// The first word is the verb ("Find …", "(a) Show …", "Berechnen Sie …"): an item that opens with a task.
const LATIN_LEAD = new RegExp(`^\\s*(?:\\(?[a-z0-9]{1,3}[.)]\\s*|${EXERCISE_NUMBER})?(?:${EN_VERBS}|${DE_VERBS}|${FR_VERBS}|${ES_VERBS}|${RU_VERBS}|${MORE_VERBS})(?![\\p{L}])`, 'iu');

/** A list item that opens with its task: an imperative first word (or a CJK task form). */
function leadsWithTaskRaw(text: string): boolean {
  const t = text.trim().slice(0, 400);
  return LATIN_LEAD.test(t) || CJK_TASK.test(t) || CJK_LEAD.test(t) || AR_FA_LEAD.test(t);
}

// An Arabic or Persian item whose first clause holds its task (Persian puts the verb at the end of the clause).
const AR_FA_LEAD = new RegExp(`^[^.!?؟\\n]{0,120}?${AR_FA_TASK.source}`, 'u');

// A Chinese item that opens with its verb, possibly after a short phrase ("以泛性质解释…", "设 S 为半群. 证明…").
const CJK_LEAD = /^[^。．\n]{0,12}?(?:试|請|请)?(?:说明|說明|解释|解釋|讨论|討論|推导|推導|验证|驗證|写出|寫出|给出|給出|举例|舉例|画出|畫出)/u;

/** Advice to the student, not a task: "Check that you can …", "Make sure you understand …", "Ich kann …". */
function isAdviceRaw(text: string): boolean {
  // LaTeX problem sets: "Try to …", "Remember to …", "Review …" (checked first); Markdown: "Ich kann …".
  if (/^\s*(?:please\s+)?(?:check (?:if|whether|that) you|make sure|be sure|try to|remember to|don'?t forget|do not forget|you should be able|you can|review|read|revise|practi[sc]e (?:the|your)|überprüfe(?:n sie)?,? ob sie|vérifiez que vous|asegúrate)\b/iu.test(text)) return true;
  return /^\s*(?:(?:check|verify|test)\s+(?:if|whether|that)\s+you\b|(?:make|be)\s+sure\s+(?:that\s+)?you\b|ensure\s+(?:that\s+)?you\b|you\s+should\s+(?:be\s+able|know|understand)\b|(?:ich|du)\s+kann(?:st)?\b|prüfe,?\s+ob\s+du\b|vérifie[sz]?\s+que\s+(?:tu|vous)\s+(?:sais|savez|pouvez|peux)\b|je\s+sais\b)/iu.test(text);
}

/** Text starts with an imperative task verb (used for list items and blockquotes). */
function startsWithTaskRaw(text: string): boolean {
  const t = text.trim().slice(0, 400);
  return LATIN_TASK.test(t.slice(0, 80)) || CJK_TASK.test(t) || GREEK_TASK.test(t.slice(0, 200)) || AR_FA_TASK.test(t.slice(0, 200)) || HE_TASK.test(t.slice(0, 200));
}

// "The following <mathematical objects>", the items a worksheet then lists one by one.
const FOLLOWING_ITEMS = new RegExp(
  '\\bfollowing\\s+(?:\\w+\\s+)?(?:functions|limits|integrals|derivatives|equations|inequalities|expressions|sequences|series|matrices|systems|sums|numbers|statements)\\b' +
    '|\\b(?:los|las)\\s+siguientes\\s+(?:\\p{L}+\\s+)?(?:funciones|límites|limites|integrales|derivadas|ecuaciones|inecuaciones|expresiones|sucesiones|series|matrices|sistemas|sumas|números|proposiciones|afirmaciones)(?![\\p{L}])' +
    '|\\b(?:les|des)\\s+(?:fonctions|limites|intégrales|dérivées|équations|inéquations|expressions|suites|séries|matrices|systèmes|sommes|nombres)\\s+suivantes?(?![\\p{L}])' +
    '|\\bfolgenden?\\s+(?:\\p{L}+\\s+)?(?:Funktionen|Grenzwerte|Integrale|Ableitungen|Gleichungen|Ungleichungen|Terme|Ausdrücke|Folgen|Reihen|Matrizen|Gleichungssysteme|Summen|Zahlen|Aussagen)(?![\\p{L}])' +
    '|\\b(?:i|le|gli)\\s+seguenti\\s+(?:funzioni|limiti|integrali|derivate|equazioni|disequazioni|espressioni|successioni|serie|matrici|sistemi|somme|numeri)(?![\\p{L}])' +
    '|\\b(?:os|as)\\s+seguintes\\s+(?:funções|limites|integrais|derivadas|equações|inequações|expressões|sequências|séries|matrizes|sistemas|somas|números)(?![\\p{L}])',
  'iu',
);
// A task verb anywhere in that sentence ("Utiliza las reglas … para obtener las derivadas de las siguientes funciones"),
// not one that describes what the text does ("We now compute the following integrals", "vamos a calcular …").
const TASK_WORD = new RegExp(
  '(?<!\\b(?:we|i|us|let|will|shall|now|vamos a|voy a|on va|nous allons|wir)\\s)(?<![\\p{L}])(?:find|compute|calculate|evaluate|determine|solve|simplify|differentiate|integrate|prove|show|sketch|graph|decide|' +
    'calcula|calcule|calcular|resuelve|resuelva|resolver|halla|halle|hallar|determina|determine|determinar|obtén|obtenga|obtener|deriva|derive|derivar|integra|integre|integrar|simplifica|simplifique|simplificar|encuentra|encuentre|encontrar|evalúa|evalúe|evaluar|demuestra|demuestre|demostrar|grafica|grafique|graficar|' +
    'calculer|calculez|déterminer|déterminez|résoudre|résolvez|dériver|dérivez|simplifier|simplifiez|étudier|étudiez|trouver|trouvez|' +
    'berechne|berechnen|bestimme|bestimmen|löse|lösen|leite|vereinfache|vereinfachen|untersuche|untersuchen|ermittle|ermitteln|' +
    'calcola|calcolare|determinare|risolvi|risolvere|derivare|semplifica|semplificare|studia|studiare|trova|trovare|' +
    'resolva|derivar|simplifique|encontre|obtenha|obter)(?![\\p{L}])',
  'iu',
);

/** Sentences that announce the problems that follow: "Complete the following problems." */
function introducesProblemsRaw(text: string): boolean {
  // Only the last sentence (or paragraph) introduces what follows: "Complete the following problems." does;
  // "… one of the following formats:" or "… required by these problems. In particular:" do not.
  const sentences = text.slice(-400).split(/(?<=[.!?。！？])\s+|\n[ \t]*\n/u).filter((x) => x.trim() !== '');
  // "Resuelve los siguientes límites algebraicamente. Recuerda que …": a task on "the following limits" (functions,
  // integrals, equations …) announces the items below also when advice follows it in the same paragraph.
  const para = text.slice(-1200).split(/\n[ \t]*\n/u).pop() ?? '';
  if (FOLLOWING_ITEMS.test(para) && para.split(/(?<=[.!?。！？])\s+/u).some((x) => FOLLOWING_ITEMS.test(x) && TASK_WORD.test(x))) return true;
  const t = sentences[sentences.length - 1] ?? '';
  if (!/follow|these|next|below|folgend|suivant|siguiente|следующ|以下|次の|다음|下列/iu.test(t)) return false;
  return /\b(?:following|these|the next|below)\s+(?:\w+\s+){0,2}(?:problems|exercises|tasks)\b|\b(?:solve|complete|answer)\s+(?:\w+\s+){0,3}(?:the\s+)?following\b|\b(?:do|work|attempt|try)\s+(?:\w+\s+){0,2}(?:the\s+)?following\s+(?:\w+\s+){0,2}(?:problems|exercises|questions|tasks)\b|\bfolgenden?\s+aufgaben\b|\bbearbeite(?:n sie)?\s+(?:die\s+)?folgenden\b|\bexercices?\s+suivants?\b|\bproblèmes?\s+suivants?\b|\bsiguientes\s+(?:ejercicios|problemas)\b|\bследующие\s+задачи\b|以下の問題|次の問題|次の各問|다음\s*문제|다음을|下列各?题|下列问题|以下各题/iu.test(
    t,
  );
}

/** The sentence before a list announces steps of a method or a plan ("Our plan is:", "The algorithm is as follows:"). */
function introducesStepsRaw(text: string): boolean {
  const sentences = text.slice(-300).split(/(?<=[.!?。！？])\s+/u).filter((x) => x.trim() !== '');
  const t = sentences[sentences.length - 1] ?? '';
  return /\b(?:(?:our|the|this|a)\s+(?:plan|recipe|algorithm|procedure|method|approach|strategy|outline|workflow|idea)|steps?|as follows|proceeds?|we (?:will|shall|proceed)|we'll|in this (?:lecture|chapter|section|notebook)|this lecture|let us|let's)\b|\b(?:Schritte|Vorgehen|Algorithmus|étapes|algorithme|pasos|algoritmo|шаги|алгоритм|手順|步骤|算法)\b/iu.test(t);
}

/** ISO 639-1 guess from script and a few function words. */
function guessLanguageRaw(text: string): string | undefined {
  const t = text.length > 400 ? text.slice(0, 400) : text;
  if (/[\uac00-\ud7af]/.test(t)) return 'ko';
  if (/[\u3040-\u30ff]/.test(t)) return 'ja';
  if (/[\u4e00-\u9fff]/.test(t)) return 'zh';
  if (/[\u0400-\u04ff]/.test(t)) return 'ru';
  const words = t
    .replace(/\$[^$]*\$|\\[a-zA-Z]+/g, ' ')
    .toLowerCase()
    .match(/[a-zà-ÿß]+/g);
  if (!words || words.length === 0) return undefined;
  const score = { en: 0, de: 0, fr: 0, es: 0 };
  const sets: Record<keyof typeof score, Set<string>> = {
    en: new Set(['the', 'and', 'that', 'of', 'is', 'find', 'show', 'prove', 'let', 'for', 'with', 'what', 'if']),
    de: new Set(['der', 'die', 'das', 'und', 'ist', 'zeige', 'berechne', 'sei', 'mit', 'für', 'dass', 'ein', 'eine', 'wie', 'nicht', 'sie']),
    fr: new Set(['le', 'la', 'les', 'et', 'est', 'que', 'des', 'une', 'un', 'pour', 'soit', 'montrer', 'calculer', 'dans']),
    es: new Set(['el', 'la', 'los', 'las', 'y', 'es', 'que', 'una', 'un', 'para', 'sea', 'calcula', 'demuestra', 'del', 'con']),
  };
  for (const w of words) for (const k of Object.keys(sets) as (keyof typeof score)[]) if (sets[k].has(w)) score[k]++;
  if (/[äöüß]/.test(t)) score.de += 2;
  if (/[ñ¿¡]/.test(t)) score.es += 2;
  if (/[èêàçœ]/.test(t)) score.fr += 2;
  let best: keyof typeof score = 'en';
  for (const k of Object.keys(score) as (keyof typeof score)[]) if (score[k] > score[best]) best = k;
  return score[best] > 0 ? best : undefined;
}

/** Collapses whitespace and trims a statement to a readable length. */
export function tidyStatement(text: string, max = 2000): string {
  // The last problem of a LaTeX file must not quote the end of the document.
  const endDoc = text.indexOf('\\end{document}');
  if (endDoc >= 0) text = text.slice(0, endDoc);
  // One pass over the characters (it runs on every statement): spaces and tabs around line breaks are
  // dropped, runs of 3+ line breaks become 2, runs of 2+ spaces/tabs become one space; then trimmed.
  const n = text.length;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10) {
      i++;
      continue;
    }
    let j = i;
    let breaks = 0;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 10) breaks++;
      else if (d !== 32 && d !== 9) break;
      j++;
    }
    let rep: string | undefined;
    if (breaks > 0) rep = breaks >= 2 ? '\n\n' : '\n';
    else if (j - i >= 2) rep = ' ';
    if (rep !== undefined) {
      out += text.slice(copied, i) + rep;
      copied = j;
    }
    i = j;
  }
  let t = (copied === 0 ? text : out + text.slice(copied)).trim();
  if (t.length > max) t = t.slice(0, max - 1).trimEnd() + '…';
  return t;
}

export const matchProblemLabel = memo(matchProblemLabelRaw);

export const isContainerHeading = memo(isContainerHeadingRaw);

export const isSolutionLabel = memo(isSolutionLabelRaw);

export const isExampleLabel = memo(isExampleLabelRaw);

export const numberedTaskTitle = memo(numberedTaskTitleRaw);

export const statesTask = memo(statesTaskRaw);

export const statesTaskStrict = memo(statesTaskStrictRaw);

export const asksQuestion = memo(asksQuestionRaw);

export const startsWithTask = memo(startsWithTaskRaw);

export const isAdvice = memo(isAdviceRaw);

export const leadsWithTask = memo(leadsWithTaskRaw);

export const introducesProblems = memo(introducesProblemsRaw);

export const introducesSteps = memo(introducesStepsRaw);

export const guessLanguage = memo(guessLanguageRaw);
