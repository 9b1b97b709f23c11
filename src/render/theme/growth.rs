//! Variables a template grows in a loop, checked before any page is rendered. The page budget
//! ([`super::budget`]) sees what a template writes and the numbers `range` makes, but not a value
//! built up with `set_global`: `{% set_global s = s ~ s %}` doubles `s` on each turn, and forty
//! turns of a loop well inside the range budget ask for a terabyte, which aborts the process
//! (Tera offers no hook per loop turn or per assignment). So two shapes are refused here, where
//! the template's syntax tree shows them:
//!
//! - a variable whose new value uses its own old value more than once (directly, through another
//!   variable set in the same loop, or through a macro, which may print an argument many times):
//!   it grows exponentially with the turns;
//! - a variable carried from turn to turn of a loop under `range` whose turns are not a small
//!   fixed number: each turn copies the whole value, so even appending a few characters takes
//!   time quadratic in up to a million turns. Loops over the site's data are bounded by it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use tera::ast::{Expr, ExprVal, Forloop, Node, Set};
use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Turns of nested `range` loops within which carrying a value is harmless (quadratic copying of
/// a value grown this many times stays in milliseconds).
pub const CARRY_TURNS_MAX: u64 = 10_000;

/// Checks every template's loops; `sources` are (name, text, file) as loaded.
pub fn check(tera: &Tera, sources: &[(String, String, PathBuf)]) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    for (name, text, path) in sources {
        let Ok(t) = tera.get_template(name) else {
            continue;
        };
        let mut scan = Scan {
            file: name,
            text,
            path,
            diags: &mut diags,
            reported: BTreeSet::new(),
        };
        scan.nodes(&t.ast, 1);
        let mut macros: Vec<_> = t.macros.values().collect();
        macros.sort_by(|a, b| a.name.cmp(&b.name));
        for def in macros {
            scan.nodes(&def.body, 1);
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

struct Scan<'a, 'd> {
    file: &'a str,
    text: &'a str,
    path: &'a Path,
    diags: &'d mut Diagnostics,
    /// Variables already reported, one error each.
    reported: BTreeSet<String>,
}

impl Scan<'_, '_> {
    /// Walks `nodes`, which run `turns` times (the product of the enclosing `range` loops' fixed
    /// lengths; `u64::MAX` when one is not fixed).
    fn nodes(&mut self, nodes: &[Node], turns: u64) {
        for node in nodes {
            match node {
                Node::Forloop(_, f, _) => {
                    let inner = turns.saturating_mul(range_turns(f));
                    self.check_loop(f, inner);
                    self.nodes(&f.body, inner);
                    self.nodes(f.empty_body.as_deref().unwrap_or(&[]), turns);
                }
                Node::Block(_, b, _) => self.nodes(&b.body, turns),
                Node::FilterSection(_, f, _) => self.nodes(&f.body, turns),
                Node::If(i, _) => {
                    for (_, _, body) in &i.conditions {
                        self.nodes(body, turns);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        self.nodes(body, turns);
                    }
                }
                _ => {}
            }
        }
    }

    /// Checks the assignments anywhere inside one loop, which runs `turns` times in all.
    fn check_loop(&mut self, f: &Forloop, turns: u64) {
        let mut sets = Vec::new();
        collect_sets(&f.body, &mut sets);
        let assigned: BTreeSet<&str> = sets.iter().map(|s| s.key.as_str()).collect();
        // For each variable set in the loop, the loop variables its new values read.
        let mut reads: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for set in &sets {
            let mut uses = HashMap::new();
            count_uses(&set.value, 1, &mut uses);
            reads.entry(set.key.as_str()).or_default().extend(
                uses.keys()
                    .filter_map(|u| assigned.get(u.as_str()).copied()),
            );
        }
        for set in &sets {
            let cycle = cycle_of(&set.key, &reads);
            if cycle.is_empty() || self.reported.contains(&set.key) {
                continue;
            }
            let mut uses = HashMap::new();
            count_uses(&set.value, 1, &mut uses);
            let own: u64 = uses
                .iter()
                .filter(|(u, _)| cycle.contains(u.as_str()))
                .map(|(_, n)| *n)
                .sum();
            let (line, tag) = self.tag_of(&set.key, &cycle);
            let d = if own >= 2 {
                Diagnostic::error(format!(
                    "模板 {} 第 {line} 行在循环里让变量 {} 的新值不止一次用到它自己的旧值（{tag}），每循环一次它至少变大一倍，几十次就会耗尽内存",
                    self.file, set.key
                ))
                .hint("每次循环只在末尾追加这一次的新内容（如 {% set_global names = names ~ unit.name ~ \"、\" %}），或者在循环里直接输出，不要先拼成一个变量。")
            } else if turns > CARRY_TURNS_MAX {
                Diagnostic::error(format!(
                    "模板 {} 第 {line} 行在 range 循环里逐次累加变量 {}（{tag}），循环次数不是 {CARRY_TURNS_MAX} 以内的固定数，每次都要复制整个变量，可能长时间停不下来",
                    self.file, set.key
                ))
                .hint("请直接遍历站点数据（如 for 条款 in 条款列表）而不用 range，或者在循环里直接输出，不要先拼成一个变量。")
            } else {
                continue;
            };
            self.reported.insert(set.key.clone());
            self.diags.push(d.at(self.path, line));
        }
    }

    /// The line and text of the first `set`/`set_global` tag assigning `key` from a variable of
    /// its `cycle` (not the assignment before the loop that starts it).
    fn tag_of(&self, key: &str, cycle: &BTreeSet<&str>) -> (usize, String) {
        let mut start = 0;
        while let Some(i) = self.text[start..].find("{%") {
            let open = start + i;
            let rest = &self.text[open..];
            let close = rest.find("%}").map_or(rest.len(), |c| c + 2);
            let tag = &rest[..close];
            let inner = tag
                .trim_start_matches("{%")
                .trim_start_matches('-')
                .trim_start();
            let assigns = ["set_global", "set"].iter().any(|kw| {
                inner.strip_prefix(kw).is_some_and(|after| {
                    after.starts_with(char::is_whitespace)
                        && after
                            .trim_start()
                            .strip_prefix(key)
                            .and_then(|a| a.trim_start().strip_prefix('='))
                            .is_some_and(|value| cycle.iter().any(|v| mentions(value, v)))
                })
            });
            if assigns {
                let line = self.text[..open].matches('\n').count() + 1;
                return (line, tag.to_string());
            }
            start = open + 2;
        }
        (1, format!("set {key}"))
    }
}

/// Whether `text` holds `name` as a whole identifier.
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(word)
            && !text[i + name.len()..].chars().next().is_some_and(word)
    })
}

/// How many times a loop turns when it runs over `range` with fixed numbers: `u64::MAX` when
/// they are not fixed, 1 for a loop over anything else (data, bounded by the site).
fn range_turns(f: &Forloop) -> u64 {
    let ExprVal::FunctionCall(call) = &f.container.val else {
        return 1;
    };
    if call.name != "range" {
        return 1;
    }
    let int = |name: &str, default: i64| match call.args.get(name).map(|e| &e.val) {
        None => Some(default),
        Some(ExprVal::Int(n)) => Some(*n),
        Some(_) => None,
    };
    match (int("start", 0), int("end", 0), int("step_by", 1)) {
        (Some(start), Some(end), Some(step)) if step > 0 && end >= start => {
            ((end - start) as u64).div_ceil(step as u64)
        }
        (Some(_), Some(_), Some(_)) => 0,
        _ => u64::MAX,
    }
}

/// Every `set`/`set_global` inside `nodes`, nested loops and conditions included.
fn collect_sets<'n>(nodes: &'n [Node], out: &mut Vec<&'n Set>) {
    for node in nodes {
        match node {
            Node::Set(_, s) => out.push(s),
            Node::Forloop(_, f, _) => {
                collect_sets(&f.body, out);
                collect_sets(f.empty_body.as_deref().unwrap_or(&[]), out);
            }
            Node::Block(_, b, _) => collect_sets(&b.body, out),
            Node::FilterSection(_, f, _) => collect_sets(&f.body, out),
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    collect_sets(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect_sets(body, out);
                }
            }
            _ => {}
        }
    }
}

/// The variables `key` reads again through the loop's assignments and that read `key` — its
/// cycle, empty when its new value never depends on its old one.
fn cycle_of<'k>(key: &str, reads: &BTreeMap<&'k str, BTreeSet<&'k str>>) -> BTreeSet<&'k str> {
    let reach = |from: &str| -> BTreeSet<&'k str> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = vec![from];
        while let Some(v) = todo.pop() {
            for &next in reads.get(v).into_iter().flatten() {
                if seen.insert(next) {
                    todo.push(next);
                }
            }
        }
        seen
    };
    let from_key = reach(key);
    if !from_key.contains(key) {
        return BTreeSet::new();
    }
    from_key
        .into_iter()
        .filter(|v| reach(v).contains(key))
        .collect()
}

/// Adds how many times `e` may copy each variable into its value, times `weight`. Tests,
/// comparisons and `in` give a boolean, which copies nothing; a macro may print an argument
/// any number of times, so its arguments count twice.
fn count_uses(e: &Expr, weight: u64, uses: &mut HashMap<String, u64>) {
    count_val(&e.val, weight, uses);
    for f in &e.filters {
        for a in f.args.values() {
            count_uses(a, weight, uses);
        }
    }
}

fn count_val(v: &ExprVal, weight: u64, uses: &mut HashMap<String, u64>) {
    match v {
        ExprVal::Ident(name) => {
            let root = name.split(['.', '[']).next().unwrap_or(name);
            *uses.entry(root.to_string()).or_default() += weight;
        }
        ExprVal::Math(m) => {
            count_uses(&m.lhs, weight, uses);
            count_uses(&m.rhs, weight, uses);
        }
        ExprVal::StringConcat(c) => {
            for v in &c.values {
                count_val(v, weight, uses);
            }
        }
        ExprVal::FunctionCall(f) => {
            for a in f.args.values() {
                count_uses(a, weight, uses);
            }
        }
        ExprVal::Array(items) => {
            for a in items {
                count_uses(a, weight, uses);
            }
        }
        ExprVal::MacroCall(m) => {
            for a in m.args.values() {
                count_uses(a, weight * 2, uses);
            }
        }
        _ => {}
    }
}
