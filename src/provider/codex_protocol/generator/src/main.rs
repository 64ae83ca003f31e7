//! Writes `src/provider/codex_protocol/generated.rs`: the Rust types of the `codex app-server`
//! messages t3rs sends and reads, made by typify from the JSON Schema bundle that the pinned
//! codex prints (`codex app-server generate-json-schema --experimental --out DIR`).
//!
//! Usage: `codex-protocol-gen SCHEMA_DIR OUT_FILE CODEX_VERSION` (see `make codex-protocol`).
//!
//! What it does to the schemas before typify sees them, and why:
//! - codex nests its v2 definitions under `definitions/v2`; they are lifted to the top level
//!   (the two names both levels define, `AbsolutePathBuf` and `RequestId`, agree) so typify's
//!   `#/definitions/NAME` references resolve.
//! - Tolerant reader: every property becomes optional (`required` keeps only a tagged enum's
//!   discriminator) and no type denies unknown fields. The translator always treated each field
//!   codex sends as possibly absent, and its tests feed it partial messages; a field codex adds
//!   later is ignored rather than making the whole message unreadable.
//! - An `anyOf` that is not `T | null` becomes a `oneOf`: in codex's schemas it is always one of
//!   serde's enums, whose alternatives exclude each other.
//! - Only the closure of the methods listed in [`USED`] is generated, not the whole protocol.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

/// The methods t3rs speaks, by the schema's union that declares them. Each brings its params
/// type (and, for client requests, its response type) into the generated file, and a constant
/// with its name. A method missing from the pinned codex's schema fails the generation.
const USED: &[(&str, &str)] = &[
    ("ClientRequest", "initialize"),
    ("ClientRequest", "thread/start"),
    ("ClientRequest", "thread/resume"),
    ("ClientRequest", "thread/revert"),
    ("ClientRequest", "turn/start"),
    ("ClientRequest", "turn/interrupt"),
    ("ClientRequest", "turn/steer"),
    ("ClientNotification", "initialized"),
    ("ServerNotification", "turn/started"),
    ("ServerNotification", "turn/completed"),
    ("ServerNotification", "item/started"),
    ("ServerNotification", "item/completed"),
    ("ServerNotification", "item/agentMessage/delta"),
    ("ServerNotification", "item/plan/delta"),
    ("ServerNotification", "turn/plan/updated"),
    ("ServerNotification", "thread/tokenUsage/updated"),
    ("ServerNotification", "error"),
    ("ServerNotification", "warning"),
    ("ServerNotification", "configWarning"),
    ("ServerNotification", "deprecationNotice"),
    ("ServerRequest", "item/commandExecution/requestApproval"),
    ("ServerRequest", "item/fileChange/requestApproval"),
    ("ServerRequest", "item/tool/requestUserInput"),
];

fn fail(message: String) -> ! {
    eprintln!("codex-protocol-gen: {message}");
    std::process::exit(1);
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
    serde_json::from_str(&text).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
}

/// `#/definitions/v2/X` → `#/definitions/X`, everywhere in `value`.
fn lift_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/definitions/v2/") {
                    *r = format!("#/definitions/{name}");
                }
            }
            map.values_mut().for_each(lift_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(lift_refs),
        _ => {}
    }
}

/// Every definition name `value` refers to.
fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix("#/definitions/") {
                    out.push(name.to_string());
                }
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// A property whose schema admits one string only: a tagged enum's discriminator.
fn is_discriminator(schema: &Value) -> bool {
    schema.get("const").is_some() || schema["enum"].as_array().is_some_and(|e| e.len() == 1)
}

/// A union with properties beside it (codex's flattened structs), which typify would turn into
/// an untagged enum of anonymous variants. When every alternative is tagged, the shared
/// properties move into each alternative (a tagged enum); otherwise the alternatives' properties
/// join the shared ones (one struct, every field optional).
fn spread_unions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(spread_unions);
            let Some(Value::Object(shared)) = map.get("properties").cloned() else {
                return;
            };
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(mut alternatives)) = map.get(key).cloned() else {
                    continue;
                };
                let tagged = alternatives.iter().all(|alt| {
                    alt["properties"]
                        .as_object()
                        .is_some_and(|props| props.values().any(is_discriminator))
                });
                if tagged {
                    for alt in &mut alternatives {
                        if let Some(Value::Object(props)) = alt.get_mut("properties") {
                            for (name, schema) in &shared {
                                props.entry(name.clone()).or_insert_with(|| schema.clone());
                            }
                        }
                    }
                    map.remove("properties");
                    map.remove("required");
                    map.remove("type");
                    map.insert(key.into(), Value::Array(alternatives));
                } else if alternatives.iter().all(|alt| alt["properties"].is_object()) {
                    let mut merged = shared.clone();
                    for alt in &alternatives {
                        for (name, schema) in alt["properties"].as_object().into_iter().flatten() {
                            merged.entry(name.clone()).or_insert_with(|| schema.clone());
                        }
                    }
                    map.remove(key);
                    map.insert("properties".into(), Value::Object(merged));
                }
                return;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(spread_unions),
        _ => {}
    }
}

/// The tolerant-reader rewrite (see the module doc), applied to every subschema.
fn relax(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // `{"variant": {..}}`, one closed property: an externally tagged enum's variant,
            // which typify recognises only as it is.
            let external_variant = map.get("additionalProperties") == Some(&Value::Bool(false))
                && map["properties"].as_object().is_some_and(|p| p.len() == 1)
                && map["required"].as_array().is_some_and(|r| r.len() == 1);
            if external_variant {
                map.remove("$schema");
                map.values_mut().for_each(relax);
                return;
            }
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            if let Some(Value::Array(required)) = map.get("required").cloned() {
                let props = map.get("properties").cloned().unwrap_or_default();
                let kept: Vec<Value> = required
                    .into_iter()
                    .filter(|name| name.as_str().is_some_and(|n| is_discriminator(&props[n])))
                    .collect();
                if kept.is_empty() {
                    map.remove("required");
                } else {
                    map.insert("required".into(), Value::Array(kept));
                }
            }
            map.remove("$schema");
            // An `anyOf` that is not `T | null` is one of serde's enums, whose alternatives
            // exclude each other; as `anyOf` typify would make a struct of flattened options.
            if let Some(Value::Array(alternatives)) = map.get("anyOf") {
                let nullable = alternatives.iter().any(|a| a["type"] == "null");
                if !nullable && alternatives.len() > 1 && !map.contains_key("oneOf") {
                    let alternatives = map.remove("anyOf").unwrap_or_default();
                    map.insert("oneOf".into(), alternatives);
                }
            }
            map.values_mut().for_each(relax);
        }
        Value::Array(items) => items.iter_mut().for_each(relax),
        _ => {}
    }
}

/// Doc blocks (`/** … */`) as `///` lines: rustfmt indents a block's continuation lines,
/// and rustdoc would then read codex's prose as code and run it as doctests.
fn line_docs(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut indent: Option<String> = None;
    for line in code.lines() {
        let trimmed = line.trim_start();
        let (text, opening) = match &indent {
            None => match trimmed.strip_prefix("/**") {
                Some(rest) => (rest, true),
                None => {
                    out.push_str(line);
                    out.push('\n');
                    continue;
                }
            },
            Some(_) => (trimmed, false),
        };
        if opening {
            indent = Some(line[..line.len() - trimmed.len()].to_string());
        }
        let (text, closing) = match text.strip_suffix("*/") {
            Some(text) => (text, true),
            None => (text, false),
        };
        let prefix = indent.clone().unwrap_or_default();
        if text.is_empty() {
            out.push_str(&format!("{prefix}///\n"));
        } else {
            out.push_str(&format!("{prefix}///{text}\n"));
        }
        if closing {
            indent = None;
        }
    }
    out
}

/// `turn/start` → `TURN_START`.
fn const_name(method: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in method.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
    out
}

struct Method {
    union: &'static str,
    name: &'static str,
    params: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, schema_dir, out_file, version] = args.as_slice() else {
        fail("usage: codex-protocol-gen SCHEMA_DIR OUT_FILE CODEX_VERSION".into());
    };
    let schema_dir = Path::new(schema_dir);
    let mut bundle = read_json(&schema_dir.join("codex_app_server_protocol.schemas.json"));
    lift_refs(&mut bundle);
    let Some(Value::Object(mut top)) = bundle.get_mut("definitions").map(Value::take) else {
        fail("the bundle has no definitions".into());
    };
    let mut defs: Map<String, Value> = Map::new();
    if let Some(Value::Object(v2)) = top.remove("v2") {
        defs.extend(v2);
    }
    for (name, schema) in top {
        let mut plain = schema.clone();
        let mut theirs = defs.get(&name).cloned().unwrap_or(Value::Null);
        for v in [&mut plain, &mut theirs] {
            if let Value::Object(m) = v {
                m.remove("$schema");
                m.remove("title");
            }
        }
        if !theirs.is_null() && plain != theirs {
            fail(format!("{name} differs between the v1 and v2 definitions"));
        }
        defs.insert(name, schema);
    }

    // The methods and their message types.
    let mut methods = Vec::new();
    let mut roots: Vec<String> = Vec::new();
    for &(union, name) in USED {
        let union_schema = read_json(&schema_dir.join(format!("{union}.json")));
        let variant = union_schema["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["properties"]["method"]["enum"][0] == name)
            .unwrap_or_else(|| fail(format!("{union} has no method {name} in this codex")));
        let mut params_ref = variant["properties"]["params"].clone();
        lift_refs(&mut params_ref);
        let mut found = Vec::new();
        refs_in(&params_ref, &mut found);
        let params = found.first().cloned();
        roots.extend(found);
        if matches!(union, "ClientRequest" | "ServerRequest") {
            // A request's answer is named after its params: FooParams → FooResponse.
            if let Some(p) = &params {
                let response = p.replace("Params", "Response");
                if !defs.contains_key(&response) {
                    fail(format!("no {response} for {name}"));
                }
                roots.push(response);
            }
        }
        methods.push(Method {
            union,
            name,
            params,
        });
    }

    // The closure of the roots.
    let mut wanted = BTreeSet::new();
    let mut todo = roots.clone();
    while let Some(name) = todo.pop() {
        if !wanted.insert(name.clone()) {
            continue;
        }
        let schema = defs
            .get(&name)
            .unwrap_or_else(|| fail(format!("{name} is referred to but not defined")));
        let mut next = Vec::new();
        refs_in(schema, &mut next);
        todo.extend(next);
    }
    let mut chosen: BTreeMap<String, schemars::schema::Schema> = BTreeMap::new();
    for name in &wanted {
        let mut schema = defs[name].clone();
        spread_unions(&mut schema);
        relax(&mut schema);
        let schema = serde_json::from_value(schema)
            .unwrap_or_else(|e| fail(format!("{name} is not a JSON Schema typify reads: {e}")));
        chosen.insert(name.clone(), schema);
    }

    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    settings.with_derive("PartialEq".into());
    let mut space = typify::TypeSpace::new(&settings);
    space
        .add_ref_types(chosen)
        .unwrap_or_else(|e| fail(format!("typify: {e}")));
    let file: syn::File = syn::parse2(space.to_stream())
        .unwrap_or_else(|e| fail(format!("typify's output does not parse: {e}")));
    let types = line_docs(&prettyplease::unparse(&file));

    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! codex app-server messages, generated from codex-cli {version}'s JSON Schema by \
         `make codex-protocol`\n//! (src/provider/codex_protocol/generator). Do not edit: regenerate, and review \
         the diff.\n//!\n//! Tolerant reader: every field is optional and unknown fields are \
         ignored (see the generator's doc)."
    );
    // The one lint typify's output cannot avoid: codex's item union has variants of very
    // different sizes, and boxing them would change the types' shape for every reader.
    let _ = writeln!(out, "#![allow(clippy::large_enum_variant)]\n");
    let _ = writeln!(out, "/// The method names t3rs speaks, as this codex spells them.");
    let _ = writeln!(out, "pub mod method {{");
    for m in &methods {
        let params = m
            .params
            .as_deref()
            .map_or("no params".to_string(), |p| format!("params: [`super::{p}`]"));
        let _ = writeln!(out, "    /// {} `{}`; {params}.", m.union, m.name);
        let _ = writeln!(
            out,
            "    pub const {}: &str = {:?};",
            const_name(m.name),
            m.name
        );
    }
    let _ = writeln!(out, "}}\n");
    out.push_str(&types);
    std::fs::write(out_file, out).unwrap_or_else(|e| fail(format!("{out_file}: {e}")));
}
