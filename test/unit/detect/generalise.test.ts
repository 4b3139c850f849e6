// General rules found by the seventh to tenth first-sight checks (test/fixtures/detect-corpus/FIRST-SIGHT.md), each
// on a small document written here. Start lines are 1-based as `detect --json` prints them. Each rule is also checked
// from the other side (what it must not flag), and incremental detection must agree with a fresh one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProblems, ProblemDetector } from '../../../src/core/detect/index.js';
import { statesTask } from '../../../src/core/detect/lexicon.js';

const tex = (t: string): number[] => detectProblems(t, 'latex').map((p) => p.startLine + 1);
const md = (t: string): number[] => detectProblems(t, 'markdown').map((p) => p.startLine + 1);
const doc = (...lines: string[]): string => ['\\documentclass{article}', '\\begin{document}', ...lines, '\\end{document}', ''].join('\n');

/** The same document typed character by character at `at` gives what a fresh detection gives. */
function agreesWhenTyped(text: string, format: 'latex' | 'markdown', at: number): void {
  const d = new ProblemDetector(format);
  let cur = text.slice(0, at) + text.slice(at + 12);
  d.reset(cur);
  let got = d.current;
  for (let k = 0; k < 12; k++) {
    const next = cur.slice(0, at + k) + text[at + k] + cur.slice(at + k);
    got = d.edit(at + k, at + k, text[at + k]!, next);
    cur = next;
  }
  assert.equal(cur, text);
  assert.deepEqual(got.map((p) => [p.startLine, p.endLine, p.text]), detectProblems(text, format).map((p) => [p.startLine, p.endLine, p.text]));
}

test('a command the document defines to print "Exercise N." starts a problem where it opens a line', () => {
  const t = doc(
    '\\newcounter{es}',
    '\\newcommand{\\Es}{\\stepcounter{es}\\noindent{\\bf Esercizio \\arabic{es}.} }',
    '\\Es Quanti sono gli anagrammi della parola ROMA?',
    '',
    '\\Es Dimostrare che $2^n > n$ per ogni $n$.',
    '\\begin{enumerate}', '\\item per $n = 1$;', '\\item in generale.', '\\end{enumerate}',
  );
  assert.deepEqual(tex(t), [5, 7]);
  // A command whose definition prints something else is no problem marker.
  assert.deepEqual(tex(doc('\\newcommand{\\Nota}{\\textit{Nota.} }', '\\Nota Questo vale sempre.', '', '\\Nota Anche qui.')), []);
});

test('an undeclared command opening several lines that state tasks is inferred to start problems', () => {
  const t = doc('\\ex Compute $\\int_0^1 x\\,dx$.', '', '\\ex Prove that $\\sqrt 2$ is irrational.', '', '\\ex Find all $x$ with $x^2 = 4$.');
  assert.deepEqual(tex(t), [3, 5, 7]);
  // Twice is not enough, and a command before plain prose is no marker.
  assert.deepEqual(tex(doc('\\ex Compute $1+1$.', '', '\\ex Find $x$ with $x = 2$.')), []);
  assert.deepEqual(tex(doc('\\intro The course starts today.', '', '\\intro We meet weekly.', '', '\\intro Bring paper.')), []);
  agreesWhenTyped(t, 'latex', t.indexOf('Prove'));
});

test('a topic section holding only a list of long independent problems is a title over them', () => {
  const items = [
    'Seven distinct integers are chosen at random from $\\{1,\\dots,20\\}$. Determine the probability that the second smallest is $5$.',
    'Determine how many positive divisors the number $69^5 + 5\\cdot 69^4 + 10\\cdot 69^3 + 10 \\cdot 69^2 + 5\\cdot 69 + 1$ has.',
    'In a tournament every player meets every other exactly once; the winner gets two points. Determine the number of players.',
  ];
  const t = doc('\\section{Combinatorics 1}', '\\begin{enumerate}', ...items.map((s) => `\\item ${s}`), '\\end{enumerate}',
    '\\section{Combinatorics 2}', '\\begin{enumerate}', ...items.map((s) => `\\item ${s}`), '\\end{enumerate}');
  assert.deepEqual(tex(t), [5, 6, 7, 11, 12, 13]);
  // Short questions under a title with a setup are the parts of one problem.
  const parts = doc('\\section{Languages}', 'Let $\\Sigma = \\{a, b\\}$.', '\\subsection{Counting}', '\\begin{enumerate}', '\\item How many words of length 2?',
    '\\item How many of length 3?', '\\end{enumerate}', '\\subsection{Palindromes}', 'Let $L$ be the palindromes.', '\\begin{enumerate}', '\\item Describe $L$.', '\\item Give a grammar for $L$.', '\\end{enumerate}');
  assert.ok(!tex(parts).includes(7), 'the short items are parts');
});

test('a slide whose list items are all stated problems with mathematics lists problems, also inside a block', () => {
  const t = doc('\\begin{frame}', '\\begin{itemize}', '\\begin{block}{}',
    '\\item On a $2021\\times 2021$ board we select $k$ unit squares, no two sharing a vertex. Determine the largest possible $k$.',
    '\\item What is the largest number of colours for the edges of $K_n$ such that every colour class is connected?',
    '\\end{block}', '\\end{itemize}', '\\end{frame}');
  assert.deepEqual(tex(t), [6, 7]);
  // A slide of talking points is not.
  assert.deepEqual(tex(doc('\\begin{frame}', '\\begin{itemize}', '\\item Groups act on sets.', '\\item Orbits partition $X$.', '\\end{itemize}', '\\end{frame}')), []);
});

test('numbered paragraph headings under an exercises heading are problems; lettered sub-paragraphs are their parts', () => {
  const t = doc('\\section*{Exercícios}', '\\paragraph{1} Descreva as órbitas de $F(x) = x^2 + 1/4$.', '',
    '\\paragraph{2} Existe diferença entre as órbitas para $c = 0$?', '\\subparagraph{a)} Plote a órbita de $x_0 = 1/3$.');
  assert.deepEqual(tex(t), [4, 6]);
});

test('nothing after \\end{document} is a problem', () => {
  const t = ['\\documentclass{article}', '\\begin{document}', '\\begin{problem}Compute $1+1$.\\end{problem}', '\\end{document}', '',
    '\\begin{problem}Prove that $2 > 1$.\\end{problem}', ''].join('\n');
  assert.deepEqual(tex(t), [3]);
});

test('a numbered list interrupted by unindented paragraphs continues, and the paragraph belongs to the item before', () => {
  const t = ['# Olimpiāde', '', '$x$', '', '## 7. klase', '', '1. Cik ir $2+2$?', '2. Trijstūri krusto 4 taisnes. Cik ir daļu?', '',
    'Vai var gadīties, ka rodas 5 trijstūri?', '3. Divi spēlētāji raksta skaitļus no 1 līdz 9.', '', 'Parādiet, kā pirmais var uzvarēt.',
    '4. Pierādiet, ka $\\angle A = 2\\angle B$.', ''].join('\n');
  const ps = detectProblems(t, 'markdown');
  assert.deepEqual(ps.map((p) => p.startLine + 1), [7, 8, 11, 14]);
  assert.match(ps[1]!.text, /Vai var gadīties/);
  assert.match(ps[2]!.text, /Parādiet/);
  agreesWhenTyped(t, 'markdown', t.indexOf('Parādiet'));
});

test('multiple-choice stems and fill-in blanks are questions; question-type headings hold them; an answers heading does not', () => {
  const t = ['# 习题', '', '## 一、选择题', '', '1. 设V是4维向量空间，则V中5个向量必定：', '    A. 线性无关', '    B. 线性相关', '',
    '2. 下列集合中哪个是子空间？', '    A. $x+y=1$', '    B. $x+y=0$', '', '## 二、填空题', '', '1. 若 dim V = n，则真子空间的维数最大为________。', '',
    '# 答案与解析', '', '## 一、选择题答案', '', '1. B（解析：超过维数的向量组线性相关。）', '2. B', ''].join('\n');
  assert.deepEqual(md(t), [5, 9, 15]);
});

test('MkDocs content tabs hold ordinary Markdown; bullets in a "!!!+" hint admonition are not problems', () => {
  const t = ['## 問題：次の式を計算せよ', '', '=== "問題 1-2"', '    1. $\\int e^x dx$', '', '    2. $\\int 5^x dx$', '',
    '=== "問題 3-4"', '    3. $\\int \\sin x dx$', '', '    4. $\\int \\frac{3}{x} dx$', '', '!!!+ info "ヒント"', '    - 指数関数の積分', '    - 分数の積分', ''].join('\n');
  assert.deepEqual(md(t), [4, 6, 9, 11]);
});

test('an exercise box left as a placeholder is not a problem', () => {
  const t = ['```{exercise} Geometria', '**todo**', '- *rette tangenti*', '```', '', '```{exercise}', '```', '',
    '```{exercise} Derivate', 'Calcolare la derivata di $x^2$.', '```', ''].join('\n');
  assert.deepEqual(md(t), [9]);
});

test('numbered "Aufgabe" headings over hints only are a hint sheet, not problems', () => {
  const hints = ['# Aufgabe 1', '', '- {{< details >}} Zeigt erst, dass die Abbildung injektiv ist. {{</ details >}}', '',
    '# Aufgabe 2', '', '- Für das "Insbesondere" müsst ihr nicht viel begründen.', '', '# Aufgabe 3', '', '- {{< details >}} vollständige Induktion {{</ details >}}', ''].join('\n');
  assert.deepEqual(md(hints), []);
  const sheet = ['# Aufgabe 1', '', 'Zeigen Sie, dass $2^n > n$ gilt.', '', '# Aufgabe 2', '', 'Berechnen Sie $\\int_0^1 x\\,dx$.', '', '# Aufgabe 3', '', 'Es sei $f(x) = x^2$.', ''].join('\n');
  assert.deepEqual(md(sheet), [1, 5, 9]);
});

test('in a Markdown document titled as a problem set, free-titled sections are the problems and their lists are parts', () => {
  const body = ['## Contents', '', '1. Toc', '', '## Beam splitter', '', 'Two modes are mixed by a unitary $U$ acting on $a_1, a_2$. Find the outgoing occupancies for each initial state.', '',
    '1. The initial state is $a_1^\\dagger a_2^\\dagger|0\\rangle$.', '2. The initial state is $(a_1^\\dagger)^2|0\\rangle$.', '',
    '## Density', '', 'Find the equation of motion of $\\rho(x)$ for a free gas.', '',
    '## Attractive gas', '', '1. Find the bright soliton of $-\\varphi\'\' - |c|\\varphi^3 = \\mu\\varphi$.', '2. Find the distribution of the separations $x_{j+1} - x_j$.', ''];
  assert.deepEqual(md(['---', 'title: Problem Set 2', '---', '', ...body].join('\n')), [9, 16, 20]);
  // Without that title the list under "Attractive gas" is a list of two problems.
  assert.deepEqual(md(body.join('\n')).slice(-2), [18, 19]);
});

test('Swedish and Danish imperatives of school exercise pages state tasks (Utvärdera, Räkna ut, Lös ut, Udregn)', () => {
  const t = ['## Övningar', '', 'Några uppgifter om funktioner.', '', '1. Utvärdera $f(x) = 4 - 3x$ för $x = 2$', '', '2. Räkna ut värdet på $t$ om $3/t + 5 = 7$', '',
    '3. Lös ut $y$ ur $2x + 4y = 86$', ''].join('\n');
  assert.deepEqual(md(t), [5, 7, 9]);
  assert.ok(statesTask('Udregn $2^{10}$.'));
  // Descriptions in the same languages are not tasks.
  assert.ok(!statesTask('Funktionen utvärderas i punkten $x = 2$ och ger $-2$.'));
});

test('a list item that opens with a textbook exercise number and a task is a problem, also among note bullets', () => {
  const t = ['# Lineární algebra: poznámky', '', '- zápočet: písemky a aktivita', '- popis přímky v rovině', '  - obecná rovnice $ax + by + c = 0$', '',
    '- 1.2 najděte rovnicové vyjádření roviny s bodem $(3,2,1)$', '  - je potřeba najít normálový vektor', '- 3.4.1 Find a basis of $\\ker A$.', ''].join('\n');
  assert.deepEqual(md(t), [7, 9]);
  // A decimal number opening a bullet of notes is no exercise number.
  assert.deepEqual(md(['# Notes', '', '- 2.5 million people use $x^2$ daily', '- 1.2 The theorem holds for $n > 2$.', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('najděte'));
});

test('a task sentence ending in ":" and the list of formulas after it are one problem, also in a blockquote', () => {
  const t = ['## Integral tentu', '', 'Catatan singkat tentang integral.', '', '> Hitunglah luas daerah yang dibatasi oleh:', '  * kurva $y = 2x - x^2$ dan sumbu-$x$', '  * kurva $y = 2 - x^2$ dan $y = x$', '',
    'Tentukan hasil dari integral berikut:', '  * $\\int (4x - 1)\\,dx$', '  * $\\int_0^1 x^3\\,dx$', ''].join('\n');
  assert.deepEqual(md(t), [5, 9]);
  // Tools handed to the reader, and a clause that continues a statement, open no problem.
  assert.deepEqual(md(['# Notes', '', 'Use the following identities:', '- $\\sin^2 x + \\cos^2 x = 1$', '- $\\sin 2x = 2\\sin x\\cos x$', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('Tentukan'));
});

test('Arabic and Persian tasks: Arabic-Indic and Persian digits number problems; interrogatives and imperatives anywhere in the clause', () => {
  // Lists numbered "١." / "۲-" (CommonMark knows only ASCII digits), the verb after a condition, a clitic "ف", "هل" without "؟".
  const ar = ['# تمارين', '', '١. إذا كان طول ضلع المربع $5$ سم أوجد مساحته', '', '٢- هل العدد $\\sqrt{9}$ عدد نسبي', '',
    '٣. إذا كان $g(x)=3x-1$ فاحسب $g(4)$', ''].join('\n');
  assert.deepEqual(md(ar), [3, 5, 7]);
  // Persian puts the verb last ("… را بیابید"), and "آیا" asks.
  const fa = ['# تمرین‌ها', '', '۱. ریشه‌های معادلهٔ $x^2-5x+6=0$ را بیابید.', '', '۲. نشان دهید که $n^3-n$ بر $6$ بخش‌پذیر است.', '',
    '۳. آیا تابع $|x|$ در صفر مشتق‌پذیر است', ''].join('\n');
  assert.deepEqual(md(fa), [3, 5, 7]);
  // Lecture prose in both: "فرض کنید" (suppose), Persian "کم" (little), a numbered list of rules, the past "أثبت" with its subject.
  assert.deepEqual(md(['# مشتق', '', 'فرض کنید $f$ پیوسته باشد. هرچه $h$ کم‌تر باشد، تقریب $f(x+h)-f(x)$ بهتر است.', '',
    '۱. مشتق تابع ثابت صفر است: $c\'=0$.', '', '۲. مشتق مجموع برابر مجموع مشتق‌هاست: $(f+g)\'=f\'+g\'$.', '',
    '## قوانين', '', 'أثبت العالم أويلر أن $e^{i\\pi}+1=0$ كما نعرف.', '', '١. ضرب القوى: $a^m a^n=a^{m+n}$', '', '٢. قسمة القوى: $a^m / a^n=a^{m-n}$', ''].join('\n')), []);
  assert.ok(statesTask('ما قيمة $x$ التي تحقق $2x=8$'));
  assert.ok(statesTask('Сколько решений? مقدار $x$ را محاسبه کنید'));
  assert.ok(!statesTask('در این درس مشتق را تعریف می‌کنیم.'));
  agreesWhenTyped(fa, 'markdown', fa.indexOf('نشان'));
});

test('a numbered heading that is itself the whole task with its data is a problem; a numbered step of a method is not', () => {
  const t = ['## Powers', '', '### Activities', '', '#### ١.١ If a box is a cube of volume $27$ cm³, find the length of its edge', '', '<div>video</div>', '',
    '#### 2.1 Can you work out $20 \\div (12-2) \\times 3^2 - 2$?', '', '### Order of operations', '', '#### 1. Open the inner brackets, then the outer ones', '',
    '#### 2. Compute the powers', '', '#### 3.1 A town has $y = 11.7 \\cdot 1.02^x$ thousand people $x$ years after 2005. Estimate its population in', '',
    '##### 1. 2011', '', '##### 2. 2000', ''].join('\n');
  assert.deepEqual(md(t), [5, 9, 17]);
  // Numbered section titles of notes name a topic, not a task.
  assert.deepEqual(md(['# Notes', '', '## 1. Solving $ax + b = 0$', '', 'We subtract $b$ and divide by $a$.', '', '## 2. The formula $x = -b/a$', '', 'It needs $a \\ne 0$.', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('Estimate'));
});

test('pandoc slide divs: a question answered by the box after it, or posed only by a plot, is no problem; an extension task is', () => {
  const t = ['# Motivation', '', '::: {.Question t="Extrema"}', 'How would you locate the **largest** value of $f$?', ':::', '', '::: {.Idea t="Critical points"}',
    'Look where the derivative vanishes.', ':::', '', '# Units', '', '::: {.Question t="Which unit?"}', '~~~ {.graph}', "plot('sin(x)')", '~~~', ':::', '',
    '# Exercises', '', '::: Exercise', 'Differentiate $x^2 + 3x$ from first principles.', ':::', '', '::: Extension', 'Differentiate $x^4$ from first principles.', ':::', '',
    '::: {.Question t="Check"}', 'What is the derivative of $5x$?', ':::', ''].join('\n');
  assert.deepEqual(md(t), [21, 25, 29]);
  // A question box followed by a hint still sets the question.
  assert.deepEqual(md(['# Q', '', '::: Question', 'What is $\\int_0^1 x\\,dx$?', ':::', '', '::: Hint', 'Use the power rule.', ':::', ''].join('\n')), [3]);
  agreesWhenTyped(t, 'markdown', t.indexOf('Look where'));
});

test('a decorated heading label counts with its number ("📝 Bài 1"); Vietnamese "Bài N" is a problem unless it titles a lesson', () => {
  const t = ['# 📘 BÀI TẬP TÍCH PHÂN', '', '## 1. Bảng công thức', '', '| $f$ | $F$ |', '|---|---|', '| $x^n$ | $x^{n+1}/(n+1)$ |', '', '## 2. Bài tập cơ bản', '',
    '### ✏️ Bài 1', 'Tính $\\int_0^1 x^2\\,dx$', '', '<details><summary>🔎 Lời giải</summary>', '$1/3$', '</details>', '', '### ✏️ Bài 2', '$\\int_0^{\\pi} \\sin x\\,dx$', '',
    '## 3. Tài liệu tham khảo', '- SGK Giải tích 12', ''].join('\n');
  assert.deepEqual(md(t), [11, 18]);
  // A textbook lesson titled "Bài 2. …", and a decorated heading without a number, are not problems.
  assert.deepEqual(md(['# Bài 2. Các quy tắc tính đạo hàm', '', 'Giả sử $f$ và $g$ có đạo hàm tại $x_0$.', '', '## ❓Question', '', 'Je ne comprends pas la question 2.', '', '## 💡 Réponse', '', 'Relis le cours.', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('Bài 2'));
});

test('a heading that names the statement ("## Enunț", "Enunciado") heads the problem; Romanian "Să se …" states a task', () => {
  const t = ['+++', 'title = "Varianta 3, problema 2"', '+++', '', '## Enunț', '', 'Să se calculeze $\\lim_{n\\to\\infty} (1 + 1/n)^{2n}$.', '', '## Abordare', '',
    'Limita seamănă cu $e$. De ce? Pentru că $(1+1/n)^n \\to e$.', '', '## Rezolvare', '', 'Rezultatul este $e^2$.', ''].join('\n');
  assert.deepEqual(md(t), [5]);
  assert.ok(statesTask('Sa se determine $m$ astfel incat $f(m) = m$.'));
  // A titled statement of a theorem is not a problem.
  assert.deepEqual(md(['# Notas', '', '## Enunciado del teorema', '', 'Toda función continua en $[a,b]$ alcanza su máximo.', ''].join('\n')), []);
});

test('bold-numbered problems indented under a caption bullet are the problems; the caption is not', () => {
  const t = ['## Exercícios do livro', '', '- Página 79.', '', '    **3.** Seja $F(x) = |x-4|$. Calcule os limites:', '', '    **a)** $\\lim_{x\\to 4^{+}} F(x)$', '',
    '    **4.** Seja $f(x) = 2 + |5x-1|$. Calcule $\\lim_{x\\to 0} f(x)$.', '', '- Página 93.', '', '    **1.** Se $f(x) = 3x$, calcule $\\lim_{x\\to 1} f(x)$.', ''].join('\n');
  assert.deepEqual(md(t), [5, 9, 13]);
  // A caption bullet under an exercises heading, alone, is no problem; an item stating a task still is.
  assert.deepEqual(md(['## Exercícios', '', '- Página 74.', '- Calcule $\\lim_{x\\to 2} x^2$.', ''].join('\n')), [4]);
  agreesWhenTyped(t, 'markdown', t.indexOf('**4.**'));
});

test('a CJK numbered heading glued to its imperative ("# 1.次の式を計算しなさい。") is a problem; a numbered topic title is not', () => {
  const t = ['---', 'title: 小テスト', '---', '', '# 1.次の式を計算しなさい。', '', '$$\\frac{1}{1-\\sqrt{2}}$$', '', '# 2.次の方程式を解きなさい。', '', '$$x^2 - 5x + 6 = 0$$', ''].join('\n');
  assert.deepEqual(md(t), [5, 9]);
  assert.deepEqual(md(['# 講義ノート', '', '## 1.数列の極限', '', '数列 $a_n$ が $\\alpha$ に収束するとは…', '', '## 2.関数の連続性', '', '$f$ が連続であるとは…', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('解きなさい'));
});

test('a LaTeX fragment of a problem bank opened by an undefined command is one problem; an empty exercise environment is none', () => {
  const frag = ['% Problem 7', '% Source: a regional olympiad', '', '\\numbering 삼각형 $ABC$에서 $AB = 5$, $BC = 7$일 때, $CA$의 최댓값을 구하여라.\\\\', ''].join('\n');
  assert.deepEqual(tex(frag), [4]);
  // In a full document a single such line is no marker, nor is a fragment whose command opens prose.
  assert.deepEqual(tex(doc('\\numbering 삼각형 $ABC$의 넓이를 구하여라.')), []);
  assert.deepEqual(tex(['\\intro 이 장에서는 삼각형의 성질을 다룬다.', ''].join('\n')), []);
  const t = doc('\\section{Lista 1}', '\\begin{exercicio}', 'Mostre que $A \\cap B \\subseteq A$.', '\\end{exercicio}', '\\section{Lista 2}', '\\begin{exercicio}', '', '\\end{exercicio}');
  assert.deepEqual(tex(t), [4]);
  agreesWhenTyped(t, 'latex', t.indexOf('Mostre'));
});

test('a numbered heading stating its task over nothing but its data (formulas, images, lists) is a problem; over prose it is a lesson', () => {
  const t = ['# Задания', '', '##### 1. Вычислить пределы', '', '- $\\lim_{x\\to 0} \\frac{\\sin 3x}{x}$', '- $\\lim_{x\\to\\infty} (1 + 2/x)^x$', '',
    '##### 2. Разложить на множители', '', '<img src="https://example.org/render?math=x^3-1">', '', '##### 3. Построить график функции', '', '$$y = \\frac{1}{1+x^2}$$', ''].join('\n');
  assert.deepEqual(md(t), [3, 8, 12]);
  // A numbered section of a lesson that explains in prose, and steps of a method with nothing under them, are not problems.
  assert.deepEqual(md(['# Lesson', '', '## 1. Solve linear equations', '', 'To solve $ax + b = 0$ we subtract $b$ and divide by $a$.', '',
    '### How to compute', '', '#### 1. Open the brackets', '', '#### 2. Compute the powers', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('Разложить'));
});

test('German compound task labels ("Prüfungsaufgabe 2023: …") are problem labels; input for a tool is no task with parts', () => {
  const t = ['# Parabeln', '', '## Aufgabe 1: Tor ⭐', '', 'Ein Tor hat die Form einer Parabel, 6 m hoch und 4 m breit. Stelle die Gleichung auf.', '',
    '## Prüfungsaufgabe 2023: Froschsprung ⭐⭐', '', 'Der Sprung ist 139 cm hoch und 220 cm weit. Gib eine Gleichung an.', ''].join('\n');
  assert.deepEqual(md(t), [3, 7]);
  assert.deepEqual(md(['# Lösungen', '', 'Gib folgende Gleichungen ein, um die Parabeln zu sehen:', '- Tor: `f(x) = -1.5x^2 + 6`', '- Frosch: `f(x) = -1.1(x - 1.1)^2 + 1.4`', '',
    'Enter the following in the plotter:', '- $y = x^2$', '- $y = 2x^2$', ''].join('\n')), []);
});

test('an untitled box holding only a numbered list of long separate tasks holds that many problems; a box of short parts is one', () => {
  const items = ['1. Calculate the relative maximums and minimums of the function $f(x) = 2x^3 - 9x^2 + 12x - 4$.', '',
    '2. Consider the function $f(x) = 1/(x^2 - k)$ for a real parameter $k \\ne 0$; calculate its domain and extremes.', '',
    '3. Let $f$ be a cubic polynomial with a maximum at $(0, 0)$ and a minimum at $(2, -4)$. Determine the formula of $f$.'];
  const t = ['# Extremes', '', '::: task', '', ...items, '', ':::', ''].join('\n');
  assert.deepEqual(md(t), [5, 7, 9]);
  assert.deepEqual(md(['# Box', '', '::: exercise', '', '1. Compute $f(2)$.', '2. Compute $f(3)$.', '3. Compare them.', '', ':::', ''].join('\n')), [3]);
  agreesWhenTyped(t, 'markdown', t.indexOf('Consider'));
});

test('a numbered label after a textbook section number ("3-1 Ex.4", "2.5 Problem 7") heads a problem; a section number before a theorem does not', () => {
  const t = doc('\\par', '\\textbf{3-1 Ex.4}\\\\', 'Show that the sphere $x^2+y^2+z^2=1$ is a regular surface.', '',
    '\\par', '\\textbf{\\textit{Solution.}}\\\\', 'Use two parametrizations by graphs.', '',
    '\\par', '\\textbf{2.5 Problem 7}\\\\', 'Prove that every isometry of the plane that fixes three non-collinear points is the identity.', '',
    '\\par', '\\textbf{4.2 Theorem 3}\\\\', 'Every compact surface has a point of positive curvature.', '');
  assert.deepEqual(tex(t), [4, 12]);
  // A section number before a plural heading, or before a label without its own number, stays what it was.
  assert.deepEqual(tex(doc('\\textbf{2.1 Notes}\\\\', 'We recall the definition of a curve.', '')), []);
  agreesWhenTyped(t, 'latex', t.indexOf('Prove'));
});

test('a bare \\question that only gives reading advice sets no task; one that sets mathematical work is kept', () => {
  const t = doc('\\question Please read sections 2.1 and 2.2 of the notes and write a few sentences about the idea you found hardest. Why?', '',
    '\\question Let $A$ and $B$ be sets. Determine whether $A \\setminus (A \\setminus B) = A \\cap B$.', '',
    '\\question Read the proof of Lemma 3 and show that its converse fails for $n = 4$.', '');
  assert.deepEqual(tex(t), [5, 7]);
  agreesWhenTyped(t, 'latex', t.indexOf('Determine'));
});

// Eighteenth first-sight check (LaTeX in many languages and exams).

test('bold number heads spread one or two under each topic section are one family of exercises across those sections', () => {
  const t = doc(
    '\\section*{Section 1 -- Lines}', '', '\\textbf{1.}', 'Let $a < b$ be points of a line. Determine the midpoint of $[a, b]$.', '',
    '\\emph{Solution.}', 'It is $(a + b)/2$.', '',
    '\\section*{Section 2 -- Circles}', '', '\\textbf{4.}', 'Prove that a tangent to a circle is perpendicular to the radius at the contact point.', '',
    '\\emph{Solution.}', 'Compare distances to the centre.', '',
    '\\section*{Section 3 -- Planes}', '', '\\textbf{2.}', 'Write the equation of the plane through $(1,0,0)$, $(0,1,0)$ and $(0,0,1)$.', '',
  );
  assert.deepEqual(tex(t), [5, 13, 21]);
  // Bold numbers heading notes (no task under them) stay notes, however the sections group them.
  assert.deepEqual(tex(doc('\\section*{A}', '\\textbf{1.}', 'The line is a one-dimensional space.', '', '\\section*{B}', '\\textbf{2.}', 'A circle is a closed curve.', '')), []);
  agreesWhenTyped(t, 'latex', t.indexOf('Prove'));
});

test('Czech and Slovak plural imperatives state a task wherever they stand in the clause; Portuguese "escreva", "ache" after a comma', () => {
  assert.ok(statesTask('V Booleově algebře $(X, \\oplus, \\odot)$ zjednodušte výrazy:'));
  assert.ok(statesTask('Pro funkci $f(x) = x^2$ na intervalu $[0, 1]$ vyšetřete stejnoměrnou konvergenci.'));
  assert.ok(statesTask('Escreva a equação do plano que passa pelos pontos $P$ e $Q$.'));
  assert.ok(statesTask('Dados $u = (1,2)$ e $v = (3,4)$, ache uma transformação linear $T$ tal que $Tu = v$.'));
  // Descriptive Czech prose (other verb forms) states none.
  assert.ok(!statesTask('V této kapitole určíme poloměr konvergence a zjednodušíme výrazy.'));
});

test('an item of a problem list that is only a bold source or title ("\\item \\textbf{IMO 2019 - 2}") states no problem', () => {
  const t = doc('\\subsection{Geometry}', '\\begin{itemize}',
    '\\item \\textbf{Olympiad 2013 - 1} In triangle $ABC$ let $D$ be the reflection of $B$ in $C$. Prove that if $AD = BE$ then $ABC$ is right-angled.',
    '\\item \\textbf{Olympiad 2019 - 2}',
    '\\item \\textbf{Shortlist 2011 - G4} Let $\\Gamma$ be the circumcircle of $ABC$. Show that the tangents at $B$ and $C$ meet on the symmedian.',
    '\\item \\textbf{Camp 2010 - 6}',
    '\\item \\textbf{Olympiad 2016 - 4} Two circles of equal radius meet at $X_1$ and $X_2$. Prove that $X_1T_1$ and $X_2T_2$ meet on $\\omega$.',
    '\\item \\textbf{Olympiad 2008 - 1} Let $H$ be the orthocentre of an acute triangle. Prove that the six points are concyclic.', '\\end{itemize}');
  assert.deepEqual(tex(t), [5, 7, 9, 10]);
  // A bold head with the statement on the next line is a problem.
  assert.deepEqual(tex(doc('\\begin{itemize}', '\\item \\textbf{Shortlist 2007 - G8}', 'Let $P$ lie on side $AB$ of $ABCD$. Show that $E$, $I$, $F$ are collinear.',
    '\\item \\textbf{Shortlist 2006 - 9}', 'Prove that the triangles $A_2B_2C_2$ and $A_3B_3C_3$ are similar.', '\\end{itemize}')), [4, 6]);
  agreesWhenTyped(t, 'latex', t.indexOf('Show'));
});

test('a problem environment above \\documentclass is never typeset: not a problem', () => {
  const body = ['\\begin{quest}', 'Simplify $(a+b)^2 - (a-b)^2$.', '\\end{quest}'];
  const t = ['\\begin{quest}', 'If the roots of $x^2 - 15x + 6m = 0$ differ by 3, find $m$.', '\\end{quest}', '',
    '\\documentclass{article}', '\\newtheorem{quest}{Question}', '\\begin{document}', ...body, '\\end{document}', ''].join('\n');
  assert.deepEqual(tex(t), [8]);
  // In a fragment (no \documentclass) every environment counts.
  assert.deepEqual(tex(['\\begin{quest}', 'Find $m$ with $m^2 = 4$.', '\\end{quest}', ...body, ''].join('\n')), [1, 4]);
  agreesWhenTyped(t, 'latex', t.indexOf('Simplify'));
});

test('a command named for exercises whose braced argument states the task (\\addexercise{…}) starts a problem, also in the preamble', () => {
  const t = ['\\documentclass{examtest}',
    '\\addexercise{%', '\t\\begin{enumerate}', '\t\\item Define a primary ideal.', '\t\\item Give a module over $\\mathbb Z$ that is not flat.', '\t\\end{enumerate}', '}', '',
    '\\addexercise{%', '\tLet $A$ be a ring and $p$ a prime ideal. Show that $\\sqrt{p^n} = p$ for all $n > 0$.', '}', '',
    '\\addexercise{', '\tCompute the dimension of $\\mathbb C[X, Y]/(X - Y)$.', '}', '',
    '\\addexercise{%', '\tLet $A$ be a ring. Prove that a finitely generated module over $A$ has a maximal submodule.', '}', '',
    '\\begin{document}', '\\maketest', '\\end{document}', ''].join('\n');
  assert.deepEqual(tex(t), [2, 9, 13, 17]);
  // A command named for hints or solutions is not one, nor a problem-named command before plain prose.
  assert.deepEqual(tex(doc('\\exercisehint{Use induction on $n$.}', '', '\\exercisehint{Show first that $f$ is bounded.}', '', '\\exercisehint{Compute $f(0)$.}', '')), []);
  assert.deepEqual(tex(doc('\\problemsource{Taken from the 2019 exam.}', '', '\\problemsource{Taken from the book.}', '', '\\problemsource{Adapted.}', '')), []);
  agreesWhenTyped(t, 'latex', t.indexOf('Compute'));
});

test('a list environment of the document\'s own (its definition in another file) is read as a list: its \\item exercises are problems', () => {
  const sol = (k: number): string[] => ['\t\\begin{jie}', `\t\tBy the definition, ${'the set is open because every point has a ball inside it; '.repeat(k)}`, '\t\\end{jie}', ''];
  const t = doc('\\chapter{Topology}', '\\begin{xiti}',
    '\t\\item Prove that $A - B = A \\cap (X - B)$ for all $A, B \\subset X$.', ...sol(12),
    '\t\\item Show that the intersection of infinitely many open sets of $\\mathbb R$ need not be open.', ...sol(12),
    '\t\\item Is a constant map $f\\colon X \\to Y$ continuous? Why?', ...sol(12),
    '\\end{xiti}');
  assert.deepEqual(tex(t), [5, 10, 15]);
  // Items of a custom environment of notes (no tasks) stay notes.
  assert.deepEqual(tex(doc('\\begin{notation}', '\\item $\\mathbb N$ is the set of naturals.', '\\item $\\mathbb Z$ is the set of integers.', '\\item $\\mathbb Q$ is the set of rationals.', '\\end{notation}')), []);
  agreesWhenTyped(t, 'latex', t.indexOf('Show that'));
});

test('a short paragraph opening with a task right before a list of bare formulas is one problem, the list its parts', () => {
  const t = doc('\\begin{multicols}{2}', '',
    'Determine the radius of convergence', '\\begin{enumerate}', '\\item $\\sum_{n\\ge 1} z^n / n^3$', '\\item $\\sum_{n \\ge 1} n!\\, z^n$ for $|z| < 1$', '\\end{enumerate}', '',
    '\\separator', '',
    'Compute', '\\begin{enumerate}', '\\item $\\int_0^\\infty \\frac{dx}{(x^2+1)^3}$', '\\item $\\int_{-\\infty}^\\infty \\frac{dx}{x^6 + 1}$', '\\end{enumerate}', '',
    '\\end{multicols}');
  assert.deepEqual(tex(t), [5, 13]);
  // A paragraph that does not set a task (notes, a "Note:" label) over formulas is none; a list of tasks keeps its items.
  assert.deepEqual(tex(doc('Recall the following sums', '\\begin{enumerate}', '\\item $\\sum_{n\\ge0} x^n = 1/(1-x)$', '\\item $\\sum_{n \\ge 0} x^n/n! = e^x$', '\\end{enumerate}')), []);
  assert.deepEqual(tex(doc('Note:', '\\begin{itemize}', '\\item $A \\sim B$ means $|A| = |B|$.', '\\item $\\aleph$ is the cardinality of $\\mathbb R$.', '\\end{itemize}')), []);
  assert.deepEqual(tex(doc('Solve the following.', '\\begin{enumerate}', '\\item Find all $x$ with $x^2 = 4$.', '\\item Prove that $\\sqrt 2 \\notin \\mathbb Q$.', '\\end{enumerate}')), [5, 6]);
  agreesWhenTyped(t, 'latex', t.indexOf('Compute'));
});

// Seventeenth first-sight check (Markdown).

test('a CJK problem label followed by a letter ("### 問題A. …を微分せよ．") is that label: CJK has no word breaks', () => {
  const t = ['# 合成関数の導関数', '', '### 問題A. $y=(2x+1)^5$ を微分せよ．', '', '>　', '',
    '### 問題B. $y=\\sin^2 x$ を微分せよ．', '', '>　', ''].join('\n');
  assert.deepEqual(md(t), [3, 7]);
  // A Latin label word running on into letters is still another word ("Problems", "Problemstellung").
  assert.deepEqual(md(['## Problemstellung', '', 'Die Zahl $x$ ist gegeben.', '', '### 問題Aの解答', '', '$y\' = 10(2x+1)^4$', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('問題B'));
});

test('"問題." over a stated task is one problem (a Japanese "-eyo" imperative such as 挙げよ states it); "問題：次の…" stays a heading over items', () => {
  const t = ['## 中間値の定理', '', '閉区間で連続な関数は中間値をとる．', '', '### 問題. 連続でない関数で，中間値をもたない例を挙げよ．', '', '>　', '',
    '### 問題. 開区間で最大値をもたない連続関数の例を調べよ．', '', '>　', ''].join('\n');
  assert.deepEqual(md(t), [5, 9]);
  // An instruction over the items that follow is a heading over them: each item is a problem.
  assert.deepEqual(md(['## 問題：次の式を計算せよ', '', '1. $\\int e^x dx$', '', '2. $\\int \\sin x dx$', ''].join('\n')), [3, 5]);
  agreesWhenTyped(t, 'markdown', t.indexOf('開区間'));
});

test('"1.- …" numbers an exercise as "1." does (Spanish sheets); a task on "the following functions" announces them', () => {
  const t = ['# Reto 2', '', '## Parte 2', '', 'Utiliza las reglas de derivación para obtener las derivadas de las siguientes funciones. Reescribe si hace falta.', '',
    '---', '', '1.- $f(x) = x^3$', '', "$f'(x) = 3x^2$", '', '---', '', '2.- $g(x) = \\sqrt{x}$', '', "$g'(x) = \\frac{1}{2\\sqrt{x}}$", ''].join('\n');
  assert.deepEqual(md(t), [9, 15]);
  // The same list after a sentence that only names the functions (no task) holds no problem.
  assert.deepEqual(md(['# Notas', '', 'Estas son las siguientes funciones que usaremos en el curso.', '', '1.- $f(x) = x^3$', '', '2.- $g(x) = \\sqrt{x}$', ''].join('\n')), []);
  // A sentence that says what the text does next announces worked examples, not exercises.
  assert.deepEqual(md(['# Notes', '', 'We now compute the following integrals, one after the other.', '', '---', '', '1. $\\int x\\,dx$', '', '$= x^2/2 + C$', '', '---', '', '2. $\\int 1\\,dx$', '', '$= x + C$', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('2.- '));
});

test('under a free title, an instruction that announces the following limits is no setup: the numbered exercises after it, each with its answer, are problems', () => {
  const t = ['# ¿Dónde hay discontinuidades?', '', '**Parte 1**. Resuelve los siguientes límites algebraicamente. Recuerda que primero se evalúa la función en el punto.', '',
    '---', '', '1. $\\lim\\limits_{x\\to 2} (x^2 - 1)$', '', '$= 3$', '', '---', '', '2. $\\lim\\limits_{x\\to 1} \\frac{x^2-1}{x-1}$', '', '$= 2$', ''].join('\n');
  assert.deepEqual(md(t), [7, 13]);
  agreesWhenTyped(t, 'markdown', t.indexOf('2. $'));
});

test('a section whose text opens with a bold task verb ("**Gib** … **an**", after images) is one problem, also as the only section', () => {
  const t = ['<!--', 'author: someone', '-->', '', '# Folgen von Zahlen', '', '<img src="level3.png" width="30"> <img src="stars.png" width="120">  \\',
    '**Gib** die nächsten Glieder der Folge **an**.', '', '__$a)\\;\\;$__', '', '$1 \\quad 4 \\quad 9 \\quad 16 \\quad$ [[ 25 ]]', '', '@resetter', ''].join('\n');
  assert.deepEqual(md(t), [5]);
  // A title over prose, or a bold word that is no task verb, states no problem.
  assert.deepEqual(md(['# Folgen von Zahlen', '', '**Folgen** sind Funktionen auf $\\mathbb{N}$, etwa $a_n = n^2$.', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('die nächsten'));
});

test('a byte-order mark opening a Markdown file hides neither its first heading nor its commented-out problems', () => {
  const t = '\uFEFF# Aufgabe 1\n\nBerechne $2 + 3$.\n\n<!--\n## Aufgabe 2\n\nBerechne $4 + 5$.\n-->\n';
  assert.deepEqual(md(t), [1]);
  assert.deepEqual(md('\uFEFF<!--\n## Aufgabe 1\n\nBerechne $2+3$.\n-->\n\n## Notizen\n\nText.\n'), []);
  // A front matter after the mark still titles the document a problem set.
  const ps = ['---', 'title: Problem Set 2', '---', '', '## Springs', '', 'Find the period of a mass on a spring.', '', 'The mass is $m$, the constant $k$.', '',
    '## Pendulum', '', 'Find the period of a pendulum.', '', 'Its length is $\\ell$, its mass $m$.', ''].join('\n');
  assert.deepEqual(md(`\uFEFF${ps}`), md(ps));
  assert.deepEqual(md(ps), [5, 11]);
  agreesWhenTyped(t, 'markdown', t.indexOf('Berechne'));
});

// Nineteenth first-sight check (Markdown).

test('invisible direction marks used as a spacer line in a quote do not hide the task after them', () => {
  const sp = '> \u200f\u200f\u200e \u200e';
  const t = ['# Integrals', '', '## **Question 1: Easy**', sp, '> Solve with integration by parts:', '>', '> $\\int x\\cos x\\,dx$', sp, '',
    '## **Question 2: Hard**', sp, '> Solve by completing the square:', '>', '> $\\int \\frac{dx}{x^2+2x+5}$', sp, ''].join('\n');
  assert.deepEqual(md(t), [3, 10]);
  agreesWhenTyped(t, 'markdown', t.indexOf('completing'));
});

test('a bold line holding the number and the whole stem ("**1. $\\int x\\,dx = ?$**") is a question, also under a free title', () => {
  const opts = (k: number): string[] => ['a', 'b', 'c', 'd'].map((l) => `   *   (${l}) $${k}x^${l === 'a' ? 2 : 3}$`);
  const t = ['### Integration', '#### Practice', '', '**1. $\\int 2x\\,dx = ?$**', ...opts(1), '',
    '**2. The solution of $y\' = 3x^2$ is**', ...opts(2), ''].join('\n');
  assert.deepEqual(md(t), [4, 10]);
  // Bold numbered titles over prose state nothing; two lettered lines are no choices.
  assert.deepEqual(md(['### Notes', '', '**1. Antiderivatives**', '', 'An antiderivative of $f$ is a function $F$ with $F\' = f$.', '',
    '**2. The constant of integration**', '   *   (a) it is arbitrary', '   *   (b) it vanishes in definite integrals', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('The solution'));
});

// Twentieth first-sight check: Hebrew sheets state their tasks with imperatives (and the question words).
test('Hebrew task imperatives and question words state tasks ("חשב את הגבולות הבאים", "הוכיחו כי", "האם")', () => {
  const t = ['### גיליון תרגילים 3', '', '1. חשב את הגבול $\\lim_{n\\to\\infty} \\frac{n}{n+1}$.', '',
    '2. הוכיחו כי הסדרה $a_n = 1/n$ מתכנסת.', '', '3. האם הטור $\\sum 1/n^2$ מתכנס?', ''].join('\n');
  assert.deepEqual(md(t), [3, 5, 7]);
  // Prose about the course, without a task, is none.
  assert.deepEqual(md(['### הערות', '', '1. ההרצאה ביום שני בשעה עשר.', '', '2. הבוחן יתקיים בשבוע הבא.', ''].join('\n')), []);
  agreesWhenTyped(t, 'markdown', t.indexOf('הוכיחו'));
});

test('the exercise package\'s list form: each \\Exercise of an ExerciseList is a problem, an \\Answer after it answers it', () => {
  const t = doc('\\section{Metric spaces}', 'A few facts first.', '\\begin{ExerciseList}',
    '\\Exercise Show that a finite metric space is complete.', '\\Answer Every Cauchy sequence is eventually constant.',
    '\\Exercise[title={Closed sets}] Prove that a closed subset of a complete space is complete.', '\\end{ExerciseList}');
  assert.deepEqual(tex(t), [6, 8]);
  const ps = detectProblems(t, 'latex');
  assert.deepEqual(ps.map((p) => p.solved), [true, false]);
  assert.ok(!ps[0]!.text.includes('eventually constant'), 'the answer is not part of the statement');
  agreesWhenTyped(t, 'latex', t.indexOf('Prove that'));
});
