#!/usr/bin/env python3
# pg-prepare-check.py — prepares every SQL text of cgi/db_*.c (not db_sqlite.c)
# on PostgreSQL: run from the repository root with PGHOST/PGPORT/PGDATABASE/
# PGUSER of a database loaded with schema-pg.sql (tests/pg/pg.sh pg_start;
# psql -f schema-pg.sql). Parameters typed as db_pg.c binds them.
# Prints FAILB (fails as db_pg.c would bind it), GAPS ($n numbers unused),
# note-untyped (fails only with every $n untyped: informative).
import re,glob,subprocess,sys,os
def lits(s):
    return re.findall(r'"((?:[^"\\]|\\.)*)"|\b([A-Z][A-Z_]{2,})\b', s)
def macros(src):
    d={}
    for m in re.finditer(r'#define\s+(\w+)[ \t]+((?:.*\\\n)*.*)', src):
        d[m.group(1)]=m.group(2)
    return d
def expand(text, d, depth=0):
    out=''
    for a,b in lits(text):
        if a: out+=a
        elif b in d and depth<5: out+=expand(d[b], d, depth+1)
    return out.replace('\\\\','\\')
impl=macros(open('cgi/db_impl.h').read())
stmts=[]
for f in sorted(glob.glob('cgi/db_*.c')):
    if 'sqlite' in f: continue
    src=open(f).read(); d=dict(impl); d.update(macros(src))
    for m in re.finditer(r'(?:db_stmt\(db,|exec_id\(db,)\s*((?:"(?:[^"\\]|\\.)*"|\s|\b[A-Z_]+\b)+)[,)]', src):
        line=src[:m.start()].count('\n')+1
        rest=src[m.end():]
        nxt=re.search(r'db_stmt\(db,|exec_id\(db,|\n}\n', rest)
        seg=rest[:nxt.start()] if nxt else rest
        binds={}
        for b in re.finditer(r'db_bind_(int64|int|text|null|blob)\(st, (\d+)', seg):
            n=int(b.group(2)); t={'int64':'int8','int':'int8','blob':'bytea'}.get(b.group(1),'unknown')
            if b.group(1)=='null' and n in binds: continue
            binds[n]=t
        # helpers like bind_store / bind_order_texts: leave their numbers unknown
        stmts.append((f"{f}:{line}", expand(m.group(1), d), binds, seg))
def topg(sql):
    out='';i=0;mx=0;q=False
    while i<len(sql):
        c=sql[i]
        if c=="'": q=not q; out+=c; i+=1; continue
        if c=='?' and not q:
            m=re.match(r'\?(\d*)', sql[i:]); n=int(m.group(1)) if m.group(1) else mx+1
            mx=max(mx,n); out+=f'${n}'; i+=len(m.group(0)); continue
        out+=c; i+=1
    return out,mx
def psql(cmd):
    r=subprocess.run(['psql','-X','-q','-A','-t','-v','ON_ERROR_STOP=1','-c',cmd],capture_output=True,text=True)
    return r.returncode,(r.stdout+r.stderr).strip()
skip=re.compile(r'MATCH|order_words|order_phones')
bad=0
for where,sql,binds,seg in stmts:
    if skip.search(sql): print(f"SKIP {where}: FTS5"); continue
    pg,mx=topg(sql)
    used=set(int(x) for x in re.findall(r'\$(\d+)',pg))
    gaps=[n for n in range(1,mx+1) if n not in used]
    if gaps: print(f"GAPS {where}: {gaps}")
    helper=re.search(r'\bbind_\w+\(st', seg) is not None
    if 'db_orders.c' in where and 'o.created_at >= $6' in pg:
        binds={1:'int8',2:'unknown',3:'int8',4:'int8',5:'int8',6:'int8',7:'int8',8:'unknown'}
    if not binds: helper=True
    bt=[binds.get(n, 'unknown' if helper else 'int8') for n in range(1,mx+1)]
    rc,out=psql(f"PREPARE p({','.join(bt)}) AS {pg};" if bt else f"PREPARE p AS {pg};")
    if rc: bad+=1; print(f"FAILB {where}: {out}\n   types={bt}\n   {pg}"); continue
    rc,out=psql(f"PREPARE p AS {pg}; SELECT parameter_types FROM pg_prepared_statements WHERE name='p';")
    if rc: print(f"note-untyped {where}: {out.splitlines()[0]}"); continue
    types=out.strip('{}').split(',') if out.strip('{}') else []
    intish={'smallint','integer','bigint','boolean','numeric'}
    tl=['int8' if t in intish else 'unknown' for t in types]
    rc,out2=psql(f"PREPARE p({','.join(tl)}) AS {pg};") if tl else (0,'')
    flag=[f"${i+1}:{t}" for i,t in enumerate(types) if t in ('boolean','numeric','unknown','text') and t!='text']
    if rc: bad+=1; print(f"FAIL2 {where}: {out2}\n   types={types}\n   {pg}")
    elif flag: print(f"NOTE {where}: inferred {flag}")
print(len(stmts),"statements,",bad,"failures")
