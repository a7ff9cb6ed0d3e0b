use super::*;

fn syntax_pos(err: ConfigError) -> (usize, usize, String) {
    match err {
        ConfigError::Syntax { line, col, msg, .. } => (line, col, msg),
        other => panic!("expected a syntax error, got {other}"),
    }
}

#[test]
fn comments_are_skipped_and_positions_stay_true() {
    let text = "# shell\n{ // line\n  /* multi\n line */ \"a\": 1,\n  \"b\": [true, null] }";
    let doc = read_str(text, "t.json").unwrap();
    let a = doc.root.get("a").unwrap();
    assert_eq!(a.value, NodeValue::Int(1));
    assert_eq!((a.loc.line, a.loc.col), (4, 15));
    let b = doc.root.get("b").unwrap();
    assert_eq!((b.loc.line, b.loc.col), (5, 8));
    assert_eq!(
        doc.root.to_value(),
        serde_json::json!({"a": 1, "b": [true, null]})
    );
}

#[test]
fn comment_markers_inside_strings_are_text() {
    let doc = read_str(r#"{"a": "x # y // z /* w */"}"#, "t").unwrap();
    assert_eq!(
        doc.root.get("a").unwrap().value,
        NodeValue::Str("x # y // z /* w */".into())
    );
}

#[test]
fn trailing_commas_are_warnings() {
    let doc = read_str("{\"a\": [1, 2,],\n \"b\": 3,}", "t.json").unwrap();
    assert_eq!(doc.warnings.len(), 2);
    assert!(
        doc.warnings[0].starts_with("t.json:1:12"),
        "{:?}",
        doc.warnings
    );
    assert!(
        doc.warnings[1].starts_with("t.json:2:8"),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn leading_or_double_commas_are_errors() {
    assert!(read_str("{,}", "t").is_err());
    assert!(read_str("[1,,2]", "t").is_err());
}

#[test]
fn duplicate_keys_are_refused_with_both_positions() {
    let err = read_str("{\"a\": 1,\n \"a\": 2}", "d.json").unwrap_err();
    let (line, col, msg) = syntax_pos(err);
    assert_eq!((line, col), (2, 2));
    assert!(msg.contains("previous at d.json:1:2"), "{msg}");
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let err = read_str("{\n  \"a\": tru }", "e.json").unwrap_err();
    assert_eq!(
        err.to_string(),
        "e.json:2:8: unexpected word 'tru' (strings need double quotes)"
    );
    let (line, col, _) = syntax_pos(read_str("{\"a\": 1 \"b\": 2}", "e").unwrap_err());
    assert_eq!((line, col), (1, 9));
    let (_, _, msg) = syntax_pos(read_str("{ /* open", "e").unwrap_err());
    assert!(msg.contains("comment not closed"));
    assert!(read_str("{} {}", "e").is_err());
    assert!(read_str("{\"a\": \"x\ny\"}", "e").is_err());
}

#[test]
fn numbers_follow_json() {
    // Kea's lexer also reads a bare fraction such as `.5` (used by Kea's all-keys.json).
    let doc = read_str("[0, -1, 1.5, 2e3, 18446744073709551615, .5, -.25]", "n").unwrap();
    let NodeValue::Array(items) = doc.root.value else {
        panic!()
    };
    let vals: Vec<_> = items.into_iter().map(|n| n.value).collect();
    assert_eq!(
        vals,
        vec![
            NodeValue::Int(0),
            NodeValue::Int(-1),
            NodeValue::Float(1.5),
            NodeValue::Float(2000.0),
            NodeValue::UInt(u64::MAX),
            NodeValue::Float(0.5),
            NodeValue::Float(-0.25)
        ]
    );
    for bad in [
        "[01]",
        "[1.]",
        "[.]",
        "[.e1]",
        "[1e]",
        "[--1]",
        "[99999999999999999999999]",
    ] {
        assert!(read_str(bad, "n").is_err(), "{bad} accepted");
    }
}

#[test]
fn string_escapes_are_decoded() {
    let doc = read_str(r#"["a\"b\\c\/\n\u0041\ud83d\ude00"]"#, "s").unwrap();
    assert_eq!(doc.root.to_value(), serde_json::json!(["a\"b\\c/\nA😀"]));
    assert!(read_str(r#"["\q"]"#, "s").is_err());
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ruru-config-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn include_splices_tokens_and_keeps_the_included_positions() {
    let dir = temp_dir("inc");
    let inc = dir.join("subnets.json");
    std::fs::write(&inc, "\"subnet4\": [ { \"id\": 1 } ],\n  \"x\": bad").unwrap();
    let text = format!("{{ \"a\": 1,\n <?include \"{}\"?> }}", inc.display());
    let err = read_str(&text, "main.json").unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}:2:8:", inc.display())), "{msg}");

    std::fs::write(&inc, "\"subnet4\": [ { \"id\": 1 } ],").unwrap();
    let doc = read_str(&text, "main.json").unwrap();
    let subnets = doc.root.get("subnet4").unwrap();
    assert_eq!(subnets.loc.file.as_ref(), inc.display().to_string());
    assert_eq!(
        doc.root.to_value(),
        serde_json::json!({"a": 1, "subnet4": [{"id": 1}]})
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn include_loops_and_missing_files_are_errors() {
    let dir = temp_dir("loop");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::write(&a, format!("<?include \"{}\"?>", b.display())).unwrap();
    std::fs::write(&b, format!("<?include \"{}\"?>", a.display())).unwrap();
    let err = read_file(&a).unwrap_err().to_string();
    assert!(err.contains("include loop"), "{err}");
    let err = read_str("<?include \"/nonexistent/ruru.json\"?>", "m")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("m:1:1: cannot include"), "{err}");
    let err = read_str("<?include \"x\"", "m").unwrap_err().to_string();
    assert!(err.contains("not closed"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_value_round_trips() {
    let v = serde_json::json!({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}});
    let doc = from_value(&v, "<config-set>").unwrap();
    assert_eq!(doc.root.to_value(), v);
    assert_eq!(doc.root.get("Dhcp4").unwrap().loc.line, 2);
}

/// `path` spelled relative to the process's working directory (through `..` up to `/`).
fn relative_to_cwd(path: &std::path::Path) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let mut rel = std::path::PathBuf::new();
    for _ in cwd.components().skip(1) {
        rel.push("..");
    }
    rel.join(path.strip_prefix("/").unwrap())
}

/// A chain of `levels` nested includes under `dir`: `main.json` includes `f1.json`, which includes
/// `f2.json`, … and the last one holds a key. Every other link uses a path relative to the working
/// directory, the rest absolute ones.
fn include_chain(dir: &std::path::Path, levels: usize) -> std::path::PathBuf {
    let file = |i: usize| dir.join(format!("f{i}.json"));
    let spell = |i: usize| {
        let p = file(i);
        if i % 2 == 0 {
            relative_to_cwd(&p)
        } else {
            p
        }
    };
    std::fs::write(file(levels), "\"deepest\": true").unwrap();
    for i in (1..levels).rev() {
        std::fs::write(
            file(i),
            format!("<?include \"{}\"?>", spell(i + 1).display()),
        )
        .unwrap();
    }
    let main = dir.join("main.json");
    std::fs::write(
        &main,
        format!("{{ \"a\": 1, <?include \"{}\"?> }}", spell(1).display()),
    )
    .unwrap();
    main
}

// CTL-071: includes nest up to 10 levels below the main file; an 11th is an error. (Kea 2.2's
// lexer lets an 11th level through and stops at the 12th; the ARM and the spec say ten.)
#[test]
fn ctl071_ten_nested_includes_load_eleven_fail() {
    let dir = temp_dir("chain10");
    let main = include_chain(&dir, 10);
    let doc = read_file(&main).unwrap();
    assert_eq!(
        doc.root.to_value(),
        serde_json::json!({"a": 1, "deepest": true})
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = temp_dir("chain11");
    let main = include_chain(&dir, 11);
    let err = read_file(&main).unwrap_err().to_string();
    assert!(err.contains("too many nested includes"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// CTL-071: a relative include path is taken from the working directory, not from the including
// file's directory; a file including itself is an error.
#[test]
fn ctl071_relative_paths_from_the_working_directory_and_self_inclusion() {
    let dir = temp_dir("relinc");
    std::fs::write(dir.join("part.json"), "\"b\": 2").unwrap();
    let from_cwd = relative_to_cwd(&dir.join("part.json"));
    let doc = read_str(
        &format!("{{ <?include \"{}\"?> }}", from_cwd.display()),
        "m",
    )
    .unwrap();
    assert_eq!(doc.root.to_value(), serde_json::json!({"b": 2}));
    // The bare name would be found next to the including file, but not in the working directory.
    let main = dir.join("main.json");
    std::fs::write(&main, "{ <?include \"part.json\"?> }").unwrap();
    assert!(!std::path::Path::new("part.json").exists());
    let err = read_file(&main).unwrap_err().to_string();
    assert!(err.contains("cannot include \"part.json\""), "{err}");

    let me = dir.join("self.json");
    std::fs::write(&me, format!("{{ <?include \"{}\"?> }}", me.display())).unwrap();
    let err = read_file(&me).unwrap_err().to_string();
    assert!(err.contains("include loop"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
