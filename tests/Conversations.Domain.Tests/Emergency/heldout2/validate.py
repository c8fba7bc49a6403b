#!/usr/bin/env python3
"""Validate /work/heldout2/heldout2.tsv. Exit 0 and print counts when everything passes."""
import sys, re, collections, unicodedata

PATH = sys.argv[1] if len(sys.argv) > 1 else '/work/heldout2/heldout2.tsv'
HEADER = ['text', 'language', 'level', 'category', 'split', 'note']
LEVEL_CATS = {
    '0': {'None'},
    '1': {'Distress'},
    '2': {'SelfHarm', 'HarmToOthers', 'MedicalEmergency'},
    '3': {'SuicideIntent', 'HarmToOthers', 'MedicalEmergency'},
}
TARGET = {'3': .22, '2': .20, '1': .18, '0': .40}
TOL = .04
# coverage groups -> predicate(row)
GROUPS = {
    'means': lambda r: r['note'] == 'means',
    'place': lambda r: r['note'] == 'place',
    'time and plan': lambda r: r['note'] == 'time and plan',
    'already acted': lambda r: r['note'] == 'already acted',
    'farewell': lambda r: r['note'] == 'farewell',
    'hopelessness and burden': lambda r: r['note'] in ('hopelessness', 'burden'),
    'self-harm no intent': lambda r: r['note'] == 'self-harm no intent',
    'third person (at risk)': lambda r: r['note'] == 'third person' and r['level'] in ('2', '3'),
    'fiction/news/school (hard)': lambda r: r['note'] in ('hard: fiction', 'hard: news', 'hard: school work'),
    'idioms and hyperbole (hard)': lambda r: r['note'] in ('hard: idiom', 'hard: hyperbole'),
    'negation (hard + risky)': lambda r: r['note'] in ('hard: negation', 'negation risky'),
    'past and recovered': lambda r: r['note'] in ('hard: past recovered', 'past attempt'),
}
# my own small list of words that would make a 'benign' line actually a hard negative
RISKY = re.compile(r"\b(die|dying|dead|death|kill|killing|suicid\w*|murder|self.?harm|cut(ting)?|overdose|pills?|jump|rope|gun|knife|bleed\w*)\b|죽|자살|자해|살인|칼|약을|뛰어내|목숨", re.I)

errors = []
def err(msg): errors.append(msg)

with open(PATH, encoding='utf-8', newline='') as f:
    raw = f.read()
if raw.startswith('\ufeff'):
    err('file has a BOM')
lines = raw.split('\n')
if lines and lines[-1] == '':
    lines = lines[:-1]
if lines[0].split('\t') != HEADER:
    err(f'bad header: {lines[0]!r}')
rows = []
for i, line in enumerate(lines[1:], start=2):
    if '\r' in line:
        err(f'line {i}: carriage return')
    parts = line.split('\t')
    if len(parts) != 6:
        err(f'line {i}: {len(parts)} fields'); continue
    r = dict(zip(HEADER, parts)); r['line'] = i
    if not r['text'].strip() or r['text'] != r['text'].strip():
        err(f'line {i}: empty or untrimmed text')
    if r['language'] not in ('en', 'ko'): err(f'line {i}: language {r["language"]}')
    if r['level'] not in LEVEL_CATS: err(f'line {i}: level {r["level"]}')
    elif r['category'] not in LEVEL_CATS[r['level']]:
        err(f'line {i}: category {r["category"]} not allowed at level {r["level"]}')
    if r['split'] != 'heldout2': err(f'line {i}: split {r["split"]}')
    if not r['note']: err(f'line {i}: empty note')
    if r['note'].startswith('hard:') and r['level'] != '0':
        err(f'line {i}: hard note on level {r["level"]}')
    if r['level'] == '0' and not (r['note'] == 'benign' or r['note'].startswith('hard: ')):
        err(f'line {i}: level-0 note must be benign or hard: ...')
    if r['note'] == 'benign' and RISKY.search(r['text']):
        err(f'line {i}: benign line contains risky word -> should be hard: ... : {r["text"]}')
    if r['language'] == 'ko' and not re.search(r'[\uac00-\ud7a3\u3131-\u318e]', r['text']):
        err(f'line {i}: ko line without Hangul')
    if r['language'] == 'en' and re.search(r'[\uac00-\ud7a3]', r['text']):
        err(f'line {i}: en line with Hangul')
    rows.append(r)

# duplicates and near-duplicates (token edit distance <= 1 within a language)
def norm(t):
    t = unicodedata.normalize('NFC', t).lower()
    return re.sub(r'[^\w\s]', '', t).split()
seen = {}
for r in rows:
    k = ' '.join(norm(r['text']))
    if k in seen: err(f'duplicate text lines {seen[k]} and {r["line"]}: {r["text"]}')
    seen[k] = r['line']
def within_one(a, b):
    if abs(len(a) - len(b)) > 1: return False
    if len(a) == len(b): return sum(x != y for x, y in zip(a, b)) <= 1
    if len(a) > len(b): a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]: i += 1
    return a[i:] == b[i + 1:]
toks = [(r, norm(r['text'])) for r in rows]
for i in range(len(toks)):
    for j in range(i + 1, len(toks)):
        (r1, a), (r2, b) = toks[i], toks[j]
        if r1['language'] == r2['language'] and len(a) > 1 and within_one(a, b):
            err(f'near-duplicate lines {r1["line"]} and {r2["line"]}')

# size and balance
n = len(rows)
if not 420 <= n <= 460: err(f'size {n} not in 420..460')
by_lang = collections.Counter(r['language'] for r in rows)
if by_lang['ko'] / n < .52: err(f'ko share {by_lang["ko"]/n:.3f} < 0.52')
print(f'total {n}; ' + ', '.join(f'{l} {c} ({c/n:.1%})' for l, c in sorted(by_lang.items())))
print('\nlanguage x level (share of language)')
for lang in ('en', 'ko'):
    lr = [r for r in rows if r['language'] == lang]
    c = collections.Counter(r['level'] for r in lr)
    print(f'  {lang}: ' + '  '.join(f'L{lv}={c[lv]} ({c[lv]/len(lr):.1%})' for lv in '3210'))
    for lv, t in TARGET.items():
        if abs(c[lv] / len(lr) - t) > TOL:
            err(f'{lang}: level {lv} share {c[lv]/len(lr):.3f} too far from {t}')
    l0 = [r for r in lr if r['level'] == '0']
    hard = sum(r['note'].startswith('hard: ') for r in l0)
    print(f'      level 0: hard {hard}, benign {len(l0) - hard}')
    if not .4 <= hard / len(l0) <= .6: err(f'{lang}: hard share of level 0 {hard/len(l0):.2f}')
print('\nlanguage x level x category')
c = collections.Counter((r['language'], r['level'], r['category']) for r in rows)
for k in sorted(c): print(f'  {k[0]} L{k[1]} {k[2]}: {c[k]}')
print('\ncoverage groups (en / ko), minimum 5')
for g, pred in GROUPS.items():
    ce = sum(1 for r in rows if r['language'] == 'en' and pred(r))
    ck = sum(1 for r in rows if r['language'] == 'ko' and pred(r))
    print(f'  {g}: {ce} / {ck}')
    if ce < 5 or ck < 5: err(f'group {g} below 5: en {ce} ko {ck}')
for cat, mn in (('MedicalEmergency', 10), ('HarmToOthers', 6)):
    for lang in ('en', 'ko'):
        k = sum(1 for r in rows if r['language'] == lang and r['category'] == cat and r['level'] in ('2', '3'))
        print(f'  {cat} L2-3 {lang}: {k} (min {mn})')
        if k < mn: err(f'{cat} {lang} {k} < {mn}')
print('\nnotes (en / ko)')
notes = sorted({r['note'] for r in rows})
for nt in notes:
    ce = sum(1 for r in rows if r['language'] == 'en' and r['note'] == nt)
    ck = sum(1 for r in rows if r['language'] == 'ko' and r['note'] == nt)
    print(f'  {nt}: {ce} / {ck}')

if errors:
    print('\nFAILED:'); [print('  ' + e) for e in errors]; sys.exit(1)
print('\nOK')
