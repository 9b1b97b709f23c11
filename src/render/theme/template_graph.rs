//! Templates are input a site may change, so what they reference is checked before any page is
//! rendered: Tera expands `include`s and macro calls by recursion with no limit of its own, and a
//! template that includes itself (or a macro that calls itself) overflowed the stack and killed
//! the build and the preview. Tera 1 names every included template, parent and macro file in
//! the template text (no name is computed while rendering), so the whole graph is known here:
//! a cycle is refused with the chain that forms it, a chain deeper than [`MAX_DEPTH`] likewise,
//! and an `include` of a template that does not exist is one error at that line instead of one
//! per page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The deepest chain of includes, parents and macro calls a page may render through. The
/// default theme needs 4; Tera's recursion costs stack per level, and a chain this long is no
/// design anyone means.
pub const MAX_DEPTH: usize = 32;

/// What renders: a template's own body (with its blocks) or one macro of a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Unit {
    Body(String),
    Macro(String, String),
}

impl Unit {
    fn file(&self) -> &str {
        match self {
            Unit::Body(f) | Unit::Macro(f, _) => f,
        }
    }
}

/// One reference from a unit to another, with where it is written.
#[derive(Clone, Debug)]
struct Edge {
    to: Unit,
    line: usize,
    /// As written, e.g. `include "page.html"` or `self::units()`.
    what: String,
}

/// A template's text and file, for lines and messages.
struct Source<'a> {
    text: &'a str,
    path: &'a Path,
}

/// Checks every template's references; `sources` are (name, text, file) as loaded.
pub fn check(tera: &Tera, sources: &[(String, String, PathBuf)]) -> Result<(), Diagnostics> {
    let files: HashMap<&str, Source> = sources
        .iter()
        .map(|(n, t, p)| (n.as_str(), Source { text: t, path: p }))
        .collect();
    let mut diags = Diagnostics::new();
    let mut graph: HashMap<Unit, Vec<Edge>> = HashMap::new();
    for (name, source) in &files {
        let Ok(t) = tera.get_template(name) else {
            continue;
        };
        let mut scan = Scan {
            tera,
            file: name,
            source,
            from: 0,
            edges: Vec::new(),
            diags: &mut diags,
        };
        if let Some(parent) = &t.parent {
            let line = scan.line_of(&["extends"], parent);
            scan.edges.push(Edge {
                to: Unit::Body(parent.clone()),
                line,
                what: format!("extends \"{parent}\""),
            });
        }
        scan.nodes(&t.ast);
        let body = std::mem::take(&mut scan.edges);
        graph.insert(Unit::Body(name.to_string()), body);
        let mut macros: Vec<_> = t.macros.iter().collect();
        macros.sort_by_key(|(m, _)| m.as_str());
        for (macro_name, def) in macros {
            scan.from = source
                .text
                .find(&format!("macro {macro_name}("))
                .unwrap_or(0);
            scan.nodes(&def.body);
            let edges = std::mem::take(&mut scan.edges);
            graph.insert(Unit::Macro(name.to_string(), macro_name.clone()), edges);
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut units: Vec<&Unit> = graph.keys().collect();
    units.sort();
    let mut walk = Walk {
        graph: &graph,
        state: HashMap::new(),
        path: Vec::new(),
        depth: HashMap::new(),
        reported: Vec::new(),
    };
    for unit in &units {
        walk.visit(unit);
    }
    // Without a cycle every chain ends; the deepest one a page starts is reported if too deep.
    if walk.reported.is_empty() {
        let deepest = units
            .iter()
            .filter(|u| matches!(u, Unit::Body(_)))
            .max_by_key(|u| walk.depth.get(*u).copied().unwrap_or(0));
        if let Some(unit) = deepest.filter(|u| walk.depth.get(*u).is_some_and(|d| *d > MAX_DEPTH)) {
            let chain = walk.deepest_chain(unit);
            walk.reported.push(chain);
        }
    }
    for chain in walk.reported {
        diags.push(chain_error(&chain, &files));
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// Collects the references of one unit.
struct Scan<'a, 'd> {
    tera: &'a Tera,
    file: &'a str,
    source: &'a Source<'a>,
    /// Byte offset where the unit's text starts (a macro's definition), for lines.
    from: usize,
    edges: Vec<Edge>,
    diags: &'d mut Diagnostics,
}

impl Scan<'_, '_> {
    /// The 1-based line of the first `keyword … "name"` at or after the unit's start.
    fn line_of(&self, keywords: &[&str], name: &str) -> usize {
        let text = self.source.text;
        let quoted = [
            format!("\"{name}\""),
            format!("'{name}'"),
            format!("`{name}`"),
        ];
        let at = keywords
            .iter()
            .filter_map(|k| {
                let mut start = self.from.min(text.len());
                while let Some(i) = text[start..].find(k) {
                    let pos = start + i;
                    let rest = &text[pos..];
                    let tag_end = rest.find("%}").unwrap_or(rest.len());
                    if quoted.iter().any(|q| rest[..tag_end].contains(q.as_str())) {
                        return Some(pos);
                    }
                    start = pos + k.len();
                }
                None
            })
            .min()
            .unwrap_or(self.from);
        text[..at.min(text.len())].matches('\n').count() + 1
    }

    fn line_of_call(&self, namespace: &str, name: &str) -> usize {
        let text = self.source.text;
        let call = format!("{namespace}::{name}");
        let start = self.from.min(text.len());
        let at = text[start..].find(&call).map_or(start, |i| start + i);
        text[..at].matches('\n').count() + 1
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, e) => self.expr(e),
                Node::Set(_, s) => self.expr(&s.value),
                Node::Include(_, names, ignore_missing) => self.include(names, *ignore_missing),
                Node::Block(_, b, _) => self.nodes(&b.body),
                Node::FilterSection(_, f, _) => {
                    self.call_args(f.filter.args.values());
                    self.nodes(&f.body);
                }
                Node::Forloop(_, f, _) => {
                    self.expr(&f.container);
                    self.nodes(&f.body);
                    self.nodes(f.empty_body.as_deref().unwrap_or(&[]));
                }
                Node::If(i, _) => {
                    for (_, cond, body) in &i.conditions {
                        self.expr(cond);
                        self.nodes(body);
                    }
                    self.nodes(i.otherwise.as_ref().map_or(&[][..], |(_, b)| b));
                }
                _ => {}
            }
        }
    }

    fn include(&mut self, names: &[String], ignore_missing: bool) {
        let line = self.line_of(&["include"], names.first().map_or("", String::as_str));
        match names.iter().find(|n| self.tera.get_template(n).is_ok()) {
            Some(found) => self.edges.push(Edge {
                to: Unit::Body(found.clone()),
                line,
                what: format!("include \"{found}\""),
            }),
            None if !ignore_missing => {
                let listed = names
                    .iter()
                    .map(|n| format!("「{n}」"))
                    .collect::<Vec<_>>()
                    .join("、");
                self.diags.push(
                    Diagnostic::error(format!(
                        "模板 {} 第 {line} 行包含的模板 {listed} 不存在",
                        self.file
                    ))
                    .at(self.source.path, line)
                    .hint("include 只能包含主题的模板（如 macros.html、page.html），按名称书写，不能写文件路径；请改正名称或删去这一行。"),
                );
            }
            None => {}
        }
    }

    fn call_args<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for a in args {
            self.expr(a);
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.val(&e.val);
        for f in &e.filters {
            self.call_args(f.args.values());
        }
    }

    fn val(&mut self, v: &ExprVal) {
        match v {
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::Test(t) => self.call_args(t.args.iter()),
            ExprVal::FunctionCall(f) => self.call_args(f.args.values()),
            ExprVal::Array(items) => self.call_args(items.iter()),
            ExprVal::StringConcat(c) => {
                for v in &c.values {
                    self.val(v);
                }
            }
            ExprVal::MacroCall(m) => {
                self.call_args(m.args.values());
                if let Some(file) = self.macro_file(&m.namespace) {
                    let line = self.line_of_call(&m.namespace, &m.name);
                    self.edges.push(Edge {
                        to: Unit::Macro(file, m.name.clone()),
                        line,
                        what: format!("{}::{}()", m.namespace, m.name),
                    });
                }
            }
            _ => {}
        }
    }

    /// The file a macro namespace names here: `self` is this file, others are imported by this
    /// template or one it extends.
    fn macro_file(&self, namespace: &str) -> Option<String> {
        if namespace == "self" {
            return Some(self.file.to_string());
        }
        let t = self.tera.get_template(self.file).ok()?;
        std::iter::once(self.file)
            .chain(t.parents.iter().map(String::as_str))
            .filter_map(|n| self.tera.get_template(n).ok())
            .flat_map(|t| t.imported_macro_files.iter())
            .find(|(_, ns)| ns == namespace)
            .map(|(file, _)| file.clone())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Done,
}

/// Depth-first walk finding cycles and over-deep chains; each is reported once.
struct Walk<'g> {
    graph: &'g HashMap<Unit, Vec<Edge>>,
    state: HashMap<&'g Unit, State>,
    /// The units being visited and the edge taken out of each.
    path: Vec<(&'g Unit, Option<&'g Edge>)>,
    /// The longest chain below a finished unit.
    depth: HashMap<&'g Unit, usize>,
    reported: Vec<Vec<(Unit, Edge)>>,
}

impl<'g> Walk<'g> {
    /// Returns the depth below `unit` (0 for a unit that references nothing).
    fn visit(&mut self, unit: &'g Unit) -> usize {
        match self.state.get(unit) {
            Some(State::Done) => return self.depth.get(unit).copied().unwrap_or(0),
            Some(State::Open) => {
                let start = self.path.iter().position(|(u, _)| *u == unit).unwrap_or(0);
                let chain: Vec<(Unit, Edge)> = self.path[start..]
                    .iter()
                    .filter_map(|(u, e)| Some(((*u).clone(), (*e)?.clone())))
                    .collect();
                let mut members: Vec<&Unit> = chain.iter().map(|(u, _)| u).collect();
                members.sort();
                let seen = self.reported.iter().any(|c| {
                    let mut m: Vec<&Unit> = c.iter().map(|(u, _)| u).collect();
                    m.sort();
                    m == members
                });
                if !seen {
                    self.reported.push(chain);
                }
                return 0;
            }
            None => {}
        }
        self.state.insert(unit, State::Open);
        self.path.push((unit, None));
        let mut deepest = 0;
        let graph = self.graph;
        for edge in graph.get(unit).map_or(&[][..], Vec::as_slice) {
            if let Some(last) = self.path.last_mut() {
                last.1 = Some(edge);
            }
            let Some((target, _)) = graph.get_key_value(&edge.to) else {
                continue;
            };
            deepest = deepest.max(self.visit(target) + 1);
        }
        self.path.pop();
        self.state.insert(unit, State::Done);
        self.depth.insert(unit, deepest);
        deepest
    }

    /// The longest chain from `unit` down, by the depths already found.
    fn deepest_chain(&self, unit: &'g Unit) -> Vec<(Unit, Edge)> {
        let mut chain = Vec::new();
        let mut at = unit;
        while let Some(edge) = self.graph.get(at).and_then(|edges| {
            edges
                .iter()
                .max_by_key(|e| self.depth.get(&e.to).copied().unwrap_or(0))
        }) {
            chain.push((at.clone(), edge.clone()));
            match self.graph.get_key_value(&edge.to) {
                Some((next, _)) if chain.len() <= MAX_DEPTH + 1 => at = next,
                _ => break,
            }
        }
        chain
    }
}

fn describe(unit: &Unit) -> String {
    match unit {
        Unit::Body(f) => f.clone(),
        Unit::Macro(f, m) => format!("{f} 的宏 {m}"),
    }
}

/// One error for a cycle (the chain ends where it began) or an over-deep chain.
fn chain_error(chain: &[(Unit, Edge)], files: &HashMap<&str, Source>) -> Diagnostic {
    let Some((first, first_edge)) = chain.first() else {
        return Diagnostic::error("模板引用有循环");
    };
    let cycle = chain.last().is_some_and(|(_, e)| e.to == *first);
    let steps: Vec<String> = chain
        .iter()
        .map(|(u, e)| format!("{} 第 {} 行 {}", describe(u), e.line, e.what))
        .collect();
    let path = files
        .get(first.file())
        .map_or_else(|| PathBuf::from(first.file()), |s| s.path.to_path_buf());
    let d = if cycle {
        Diagnostic::error(format!(
            "模板循环引用自身，渲染会无限展开：{} → 回到 {}",
            steps.join(" → "),
            describe(first)
        ))
        .hint("模板不能直接或间接包含自己，宏也不能直接或间接调用自己；请删去这条链中的一处 include 或宏调用。")
    } else {
        let shown: Vec<String> = if steps.len() > 6 {
            let mut s = steps[..3].to_vec();
            s.push(format!("……（共 {} 层）", steps.len()));
            s.extend(steps[steps.len() - 2..].iter().cloned());
            s
        } else {
            steps
        };
        Diagnostic::error(format!(
            "模板的 include 和宏调用嵌套超过 {MAX_DEPTH} 层：{}",
            shown.join(" → ")
        ))
        .hint("请减少嵌套层数：把多层宏合并，或把内容直接写在模板里。")
    };
    d.at(&path, first_edge.line)
}
