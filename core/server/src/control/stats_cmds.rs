//! The ten `statistic-*` commands (CTL-058..064).

use super::{args, ServerControl};
use ruru_control::{Command, Response};
use ruru_stats::{format_timestamp, Limit, Sample};
use serde_json::{json, Map, Value as Json};

/// Answers a `statistic-*` command; `None` for a name that is not one.
pub(super) fn run(ctl: &ServerControl, cmd: &Command) -> Option<Response> {
    let reg = &ctl.registry;
    let r = match cmd.name.as_str() {
        "statistic-get" => named(cmd, |name| {
            let mut out = Map::new();
            if let Some(samples) = reg.samples(name) {
                out.insert(name.to_owned(), samples_json(&samples));
            }
            // An unknown name is not an error: an empty map (CTL-058).
            args::answer(Json::Object(out))
        }),
        "statistic-get-all" => {
            let all: Map<String, Json> = reg
                .all_samples()
                .into_iter()
                .map(|(name, s)| (name, samples_json(&s)))
                .collect();
            args::answer(Json::Object(all))
        }
        "statistic-reset" => named(cmd, |name| match reg.reset(name) {
            true => Response::ok(format!("Statistic '{name}' reset.")),
            false => no_such(name),
        }),
        "statistic-reset-all" => {
            reg.reset_all();
            Response::ok("All statistics reset to neutral values.")
        }
        "statistic-remove" => named(cmd, |name| match reg.remove(name) {
            true => Response::ok(format!("Statistic '{name}' removed.")),
            false => no_such(name),
        }),
        "statistic-remove-all" => {
            reg.remove_all();
            Response::ok("All statistics removed.")
        }
        "statistic-sample-age-set" => limit_one(ctl, cmd, "duration"),
        "statistic-sample-count-set" => limit_one(ctl, cmd, "max-samples"),
        "statistic-sample-age-set-all" => limit_all(ctl, cmd, "duration"),
        "statistic-sample-count-set-all" => limit_all(ctl, cmd, "max-samples"),
        _ => return None,
    };
    Some(r)
}

/// `[[value, "timestamp"], …]`, newest first.
fn samples_json(samples: &[Sample]) -> Json {
    Json::Array(
        samples
            .iter()
            .map(|s| json!([s.value, format_timestamp(s.at_micros)]))
            .collect(),
    )
}

fn no_such(name: &str) -> Response {
    Response::error(format!("No '{name}' statistic found"))
}

/// Runs `f` on the mandatory string `name`.
fn named(cmd: &Command, f: impl FnOnce(&str) -> Response) -> Response {
    match args::required_str(cmd, "name") {
        Ok(name) => f(name),
        Err(r) => r,
    }
}

/// Reads `duration` (seconds) or `max-samples` (not zero, CTL-063) as a limit.
fn limit(cmd: &Command, key: &str) -> Result<Limit, Response> {
    let n = args::required_u32(cmd, key)?;
    match key {
        "duration" => Ok(Limit::AgeSecs(n)),
        _ if n == 0 => Err(Response::error("'max-samples' parameter must not be zero.")),
        _ => Ok(Limit::Count(n)),
    }
}

fn limit_one(ctl: &ServerControl, cmd: &Command, key: &str) -> Response {
    let limit = match limit(cmd, key) {
        Ok(l) => l,
        Err(r) => return r,
    };
    named(cmd, |name| match ctl.registry.set_limit(name, limit) {
        true => Response::ok(format!(
            "Statistic '{name}' {} limit is set.",
            limit_word(key)
        )),
        false => no_such(name),
    })
}

/// Sets the limit of every statistic and makes it the default, visible in `config-get` (CTL-063).
fn limit_all(ctl: &ServerControl, cmd: &Command, key: &str) -> Response {
    let limit = match limit(cmd, key) {
        Ok(l) => l,
        Err(r) => return r,
    };
    ctl.registry.set_limit_all(limit);
    ctl.edit_object(|obj| match limit {
        Limit::Count(n) => {
            obj.insert("statistic-default-sample-count".into(), json!(n));
        }
        Limit::AgeSecs(secs) => {
            obj.insert("statistic-default-sample-age".into(), json!(secs));
            // The age bounds samples only while the default count is 0 (CTL-064).
            obj.insert("statistic-default-sample-count".into(), json!(0));
        }
    });
    Response::ok(format!("All statistics {} limit are set.", limit_word(key)))
}

fn limit_word(key: &str) -> &'static str {
    match key {
        "duration" => "duration",
        _ => "count",
    }
}

#[cfg(test)]
mod tests {
    use super::samples_json;
    use ruru_stats::Sample;

    // CTL-009, CTL-066, V6-066: a 128-bit value is written as an exact JSON number.
    #[test]
    fn wide_values_serialize_exactly() {
        let s = [Sample {
            value: 1 << 64,
            at_micros: 0,
        }];
        let text = samples_json(&s).to_string();
        assert!(text.starts_with("[[18446744073709551616,"), "{text}");
    }
}
