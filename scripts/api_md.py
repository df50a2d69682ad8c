#!/usr/bin/env python3
"""Writes docs/api.md from the sources: python3 scripts/api_md.py . > docs/api.md"""
import re,os,glob,sys
root=sys.argv[1]
mods=[('soci-common','dev.soci.common'),('soci-oci-model','dev.soci.oci'),('soci-ztoc','dev.soci.ztoc'),('soci-core','dev.soci.core')]
def first_sentence(doc):
    doc=re.sub(r'^\s*/\*\*|\*/\s*$','',doc,flags=re.S)
    doc=' '.join(l.strip().lstrip('*').strip() for l in doc.split('\n'))
    doc=doc.split('<p>')[0].split(' @')[0].strip()
    doc=re.sub(r'\{@(?:link|linkplain|code)\s+([^}]*)\}',lambda m:'`'+m.group(1).split(' ')[-1 if m.group(0).startswith('{@link') and ' ' in m.group(1) else 0].replace('#','.')+'`' if not m.group(0).startswith('{@code') else '`'+m.group(1)+'`',doc)
    doc=re.sub(r'\{@value\s+([^}]*)\}',r'`\1`',doc)
    doc=re.sub(r'`[^`]*`',lambda m:m.group(0).replace('<','\x01').replace('>','\x02'),doc)
    doc=re.sub(r'<[^>]+>','',doc).replace('\x01','<').replace('\x02','>')
    depth=0; cut=len(doc)
    for i,ch in enumerate(doc):
        if i<40: 
            if ch=='(': depth+=1
            elif ch==')': depth=max(0,depth-1)
            continue
        if ch=='(': depth+=1
        elif ch==')': depth=max(0,depth-1)
        elif ch in '.:;' and depth==0 and (i+1==len(doc) or doc[i+1]==' '):
            cut=i+1; break
    s=doc[:cut].rstrip(':;')
    if not s.endswith('.'): s+='.'
    return s.replace('|','\\|')
out=['# Public API','','The exported packages of each library module and their public types, one line each (what the',
'type is for). Generated from the sources (`module-info.java` exports and each type\'s javadoc);',
'everything else is package-private or in a package that is not exported (or exported only to',
'named sibling modules, which are not API). Nested public types (options, results, builders) are',
'listed under their outer type. Regenerate with `python3 scripts/api_md.py . > docs/api.md`.','',
'## Where to start','',
'| Need | Entry point |','|---|---|',
'| Index a layer (write its zTOC) | `ZtocBuilder.withDefaults().build(path)`, then `ztoc.write(path)` |',
'| Read a zTOC | `Ztoc.read(path)` (size-checked against `ZtocLimits`) |',
'| Read files of a layer through its zTOC | `SeekableLayer.open(blob, ztoc)`, or `SeekableLayer.open(BlobSource.of(...), ztoc, SeekableLayer.Options.defaults()...)` |',
'| Extract a layer safely | `LayerExtractor` |',
'| Create or convert SOCI indexes in an OCI layout | `SociIndexBuilder.withDefaults().create(...)` / `.convert(...)` |',
'| List or remove SOCI indexes and zTOCs of a layout | `SociIndexCatalog` |',
'| Open an image lazily (layout or registry) | `SociImage.open(source, reference)` with an `OciLayoutSource` or a registry source |',
'| Browse an image as a file system | `FileSystems.newFileSystem(URI.create("soci:..."), env)` (`dev.soci.core.nio`) |',
'| Push or pull an image with its SOCI artifacts | `SociPusher`, `SociPuller` |',
'| Catch every library failure | `SociException` (`dev.soci.common`) |','']
for mod,_ in mods:
    mi=os.path.join(root,mod,'src/main/java/module-info.java')
    if not os.path.exists(mi): continue
    txt=open(mi).read()
    name=re.search(r'^(?:open\s+)?module\s+([\w.]+)\s*\{',txt,re.M).group(1)
    pkgs=re.findall(r'exports\s+([\w.]+)\s*;',txt)
    out+=['## `%s` (module `%s`)'%(mod,name),'']
    qual=re.findall(r'exports\s+([\w.]+)\s+to',txt)
    for p in pkgs:
        out+=['### `%s`'%p,'','| Type | What it is for |','|---|---|']
        d=os.path.join(root,mod,'src/main/java',p.replace('.','/'))
        rows=[]
        for f in sorted(glob.glob(d+'/*.java')):
            s=open(f).read()
            m=re.search(r'(/\*\*(?:(?!\*/).)*\*/)\s*(?:@\w+(?:\([^)]*\))?\s*)*public\s+(?:(?:abstract|final|sealed|non-sealed|static)\s+)*(class|interface|record|enum|@interface)\s+(\w+)',s,re.S)
            if not m:
                if re.search(r'^public\s',s,re.M): rows.append('| `%s` | (no javadoc) |'%os.path.basename(f)[:-5])
                continue
            kind,nm=m.group(2),m.group(3)
            nested=re.findall(r'\n  public\s+(?:static\s+)?(?:final\s+)?(?:sealed\s+)?(class|interface|record|enum)\s+(\w+)',s)
            extra=(' Nested: '+', '.join('`%s.%s`'%(nm,n) for _,n in nested)+'.') if nested else ''
            rows.append('| `%s` (%s) | %s%s |'%(nm,kind,first_sentence(m.group(1)),extra))
        out+=rows+['']
    if qual:
        out+=['Not API (qualified exports to sibling modules only): '+', '.join('`%s`'%q for q in qual)+'.','']
print('\n'.join(out))
