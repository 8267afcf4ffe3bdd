//! The lenient request bodies a manager parses besides JSON.
//!
//! SMIT's `monitor-migration.ps1:66-83` posts the PowerShell-style text
//! `{filter={skipDrafts=true,migrationGroupId=['…']},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}` to
//! `migrations?action=query` and reads `data.items` from the answer, so the manager accepts it. Keys may be bare
//! or quoted, `=` or `:` separates a key from its value, strings may use `'` or `"`, and a bare word is a
//! boolean, `null`, a number or else a string. Anything else is refused (the caller answers 400).

use serde_json::{Map, Number, Value};

/// Parses a lenient body; `None` when it is not one.
pub(crate) fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let v = p.value()?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// The next non-blank byte, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'\'' | b'"' => self.quoted().map(Value::String),
            _ => self.bare().map(|w| scalar(&w)),
        }
    }

    fn object(&mut self) -> Option<Value> {
        self.i += 1;
        let mut m = Map::new();
        loop {
            if self.eat(b'}') {
                return Some(Value::Object(m));
            }
            let key = match self.peek()? {
                b'\'' | b'"' => self.quoted()?,
                _ => self.bare()?,
            };
            if !(self.eat(b'=') || self.eat(b':')) {
                return None;
            }
            let v = self.value()?;
            m.insert(key, v);
            if !(self.eat(b',') || self.eat(b';')) {
                return self.eat(b'}').then_some(Value::Object(m));
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.i += 1;
        let mut a = Vec::new();
        loop {
            if self.eat(b']') {
                return Some(Value::Array(a));
            }
            a.push(self.value()?);
            if !self.eat(b',') {
                return self.eat(b']').then_some(Value::Array(a));
            }
        }
    }

    /// A string in `'…'` or `"…"` (no escapes); the cursor is on the opening quote.
    fn quoted(&mut self) -> Option<String> {
        let q = *self.s.get(self.i)?;
        let start = self.i + 1;
        let len = self.s.get(start..)?.iter().position(|&c| c == q)?;
        self.i = start + len + 1;
        std::str::from_utf8(&self.s[start..start + len]).ok().map(str::to_owned)
    }

    /// A bare word: letters, digits and `_ . - +`.
    fn bare(&mut self) -> Option<String> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_alphanumeric() || b"_.-+".contains(c)) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
}

/// A bare word's value.
fn scalar(word: &str) -> Value {
    match word {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => {
            if let Ok(n) = word.parse::<i64>() {
                return Value::from(n);
            }
            match word.parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => Value::String(word.to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_smits_body() {
        let text = "{filter={skipDrafts=true,migrationGroupId=['g-1']},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}";
        assert_eq!(
            parse(text),
            Some(json!({"filter": {"skipDrafts": true, "migrationGroupId": ["g-1"]},
                        "options": {"resultLevel": "MOBILITYGROUP_ITEMS", "compat": 2.1}}))
        );
    }

    #[test]
    fn refuses_what_is_not_a_body() {
        for bad in ["", "{", "{a}", "{a=1", "[1,", "{a=1}}", "hello world", "{a='x}"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse(" { \"a\" : [ 1 , x ] ; b = null } "), Some(json!({"a": [1, "x"], "b": null})));
    }
}
