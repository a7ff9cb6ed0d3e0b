//! `loggers` of the `Control-agent` map (CTL-099..104), read into the model the servers use.

use ruru_config::{ConfigError, LogOutput, Logger, Severity};
use serde_json::{json, Value};

use super::fields::Fields;
use super::put_context;

/// Every `loggers` entry. Both spellings of the outputs key are read (CTL-099).
pub(super) fn loggers(f: &Fields<'_>) -> Result<Vec<Logger>, ConfigError> {
    f.list("loggers")?
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let l = Fields::new(
                node,
                &format!("{}[{i}]", f.at("loggers")),
                &[
                    "name",
                    "severity",
                    "debuglevel",
                    "output-options",
                    "output_options",
                    "user-context",
                    "comment",
                ],
                "",
            )?;
            let name = l
                .string("name")?
                .ok_or_else(|| l.invalid("name", "a logger needs a 'name'"))?;
            // What an entry leaves out stays unset, to be inherited (CTL-101).
            let severity = match l.string("severity")? {
                None => None,
                Some(s) => Some(severity(&s).ok_or_else(|| {
                    l.invalid(
                        "severity",
                        format!("logger '{name}': severity '{s}' is not FATAL, ERROR, WARN, INFO, DEBUG or NONE"),
                    )
                })?),
            };
            let debuglevel = l.integer::<u8>("debuglevel")?;
            if let Some(debuglevel @ 100..) = debuglevel {
                return Err(l.invalid(
                    "debuglevel",
                    format!("logger '{name}': debuglevel {debuglevel} is not in 0..99"),
                ));
            }
            let key = if l.node("output_options").is_some() {
                "output_options"
            } else {
                "output-options"
            };
            let outputs = l
                .list(key)?
                .iter()
                .enumerate()
                .map(|(j, node)| output(&Fields::new(
                    node,
                    &format!("{}[{j}]", l.at(key)),
                    &["output", "flush", "maxsize", "maxver", "pattern"],
                    "",
                )?))
                .collect::<Result<_, _>>()?;
            Ok(Logger {
                name,
                severity,
                debuglevel,
                outputs,
                user_context: l.user_context()?,
            })
        })
        .collect()
}

/// One `output-options` entry with Kea's defaults.
fn output(o: &Fields<'_>) -> Result<LogOutput, ConfigError> {
    Ok(LogOutput {
        output: o
            .string("output")?
            .ok_or_else(|| o.invalid("output", "an output entry needs an 'output'"))?,
        flush: o.boolean("flush")?.unwrap_or(true),
        maxsize: o.integer("maxsize")?.unwrap_or(10_240_000),
        maxver: o.integer("maxver")?.unwrap_or(1),
        pattern: o.string("pattern")?.filter(|p| !p.is_empty()),
    })
}

/// Kea's severity names, in any letter case.
fn severity(name: &str) -> Option<Severity> {
    Some(match name.to_ascii_uppercase().as_str() {
        "DEBUG" => Severity::Debug,
        "INFO" => Severity::Info,
        "WARN" => Severity::Warn,
        "ERROR" => Severity::Error,
        "FATAL" => Severity::Fatal,
        "NONE" => Severity::None,
        _ => return None,
    })
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Debug => "DEBUG",
        Severity::Info => "INFO",
        Severity::Warn => "WARN",
        Severity::Error => "ERROR",
        Severity::Fatal => "FATAL",
        Severity::None => "NONE",
    }
}

/// `loggers` as in force.
pub(super) fn to_json(loggers: &[Logger]) -> Value {
    loggers
        .iter()
        .map(|l| {
            let outputs: Vec<Value> = l
                .outputs
                .iter()
                .map(|o| {
                    let mut v = json!({"output": o.output, "flush": o.flush,
                                       "maxsize": o.maxsize, "maxver": o.maxver});
                    if let Some(p) = &o.pattern {
                        v["pattern"] = json!(p);
                    }
                    v
                })
                .collect();
            let mut v = json!({"name": l.name, "output-options": outputs});
            // Only what the entry set, so the answer loaded again inherits as this one does.
            if let Some(s) = l.severity {
                v["severity"] = json!(severity_name(s));
            }
            if let Some(d) = l.debuglevel {
                v["debuglevel"] = json!(d);
            }
            put_context(&mut v, l.user_context.as_ref());
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::parse_value;
    use serde_json::json;

    #[test]
    fn ctl099_ctl102_loggers_read_with_defaults_and_checked() {
        let c = parse_value(&json!({"Control-agent": {"loggers": [
            {"name": "kea-ctrl-agent", "output_options": [{"output": "stdout"}]},
            {"name": "kea-ctrl-agent.commands", "severity": "debug", "debuglevel": 40}]}}))
        .unwrap();
        assert_eq!(c.loggers[0].severity, None);
        assert_eq!(c.loggers[0].outputs[0].maxsize, 10_240_000);
        assert_eq!(c.loggers[1].severity, Some(ruru_config::Severity::Debug));
        assert_eq!(c.loggers[1].debuglevel, Some(40));
        for (logger, wanted) in [
            (
                json!({"name": "x", "severity": "LOUD"}),
                "severity 'LOUD' is not",
            ),
            (
                json!({"name": "x", "debuglevel": 100}),
                "debuglevel 100 is not in 0..99",
            ),
            (json!({"severity": "INFO"}), "a logger needs a 'name'"),
            (
                json!({"name": "x", "output-options": [{"flush": true}]}),
                "needs an 'output'",
            ),
        ] {
            let e = parse_value(&json!({"Control-agent": {"loggers": [logger]}}))
                .unwrap_err()
                .to_string();
            assert!(e.contains(wanted), "{e}");
        }
    }
}
