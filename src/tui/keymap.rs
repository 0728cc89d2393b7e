//! The key table with the settings file's `[keys]` laid over it: an action's keys there replace
//! its usual ones.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keys::{Action, BINDINGS, Binding, normalise};
use super::panes::Pane;

type Key = (KeyCode, KeyModifiers);

/// The bindings in force.
#[derive(Debug, Clone, Default)]
pub struct KeyMap {
    /// Actions whose keys the settings replace, with the keys as written there.
    replaced: HashMap<Action, (Vec<Key>, String)>,
}

impl KeyMap {
    /// The default table with `[keys]` over it; an unknown action or key, or one key for two
    /// actions where both apply, is an error in a line.
    pub fn new(settings: &BTreeMap<String, Vec<String>>) -> Result<KeyMap, String> {
        let mut replaced = HashMap::new();
        for (name, keys) in settings {
            let action = Action::from_str(name).map_err(|_| {
                format!("keys.{name}: no such action (`gowasm config --keys` lists them)")
            })?;
            let parsed = keys
                .iter()
                .map(|k| parse_key(k).map_err(|e| format!("keys.{name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            if parsed.is_empty() {
                return Err(format!("keys.{name}: give at least one key"));
            }
            replaced.insert(action, (parsed, keys.join("/")));
        }
        let map = KeyMap { replaced };
        map.check_conflicts()?;
        Ok(map)
    }

    fn keys<'a>(&'a self, b: &'a Binding) -> &'a [Key] {
        match self.replaced.get(&b.action) {
            Some((keys, _)) => keys,
            None => b.keys,
        }
    }

    /// What the footer and help call a binding's keys.
    pub fn label(&self, b: &Binding) -> String {
        match self.replaced.get(&b.action) {
            Some((_, written)) => written.clone(),
            None => b.label.to_string(),
        }
    }

    /// Every key of a binding, as a settings file writes them (`j/down`).
    pub fn keys_text(&self, b: &Binding) -> String {
        self.keys(b)
            .iter()
            .map(|&k| show(k))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The action for a key in the focused pane: pane bindings first, then global ones.
    pub fn action(&self, key: KeyEvent, focus: Pane) -> Option<Action> {
        let key = normalise(key);
        let matches = |b: &&Binding| self.keys(b).contains(&key);
        BINDINGS
            .iter()
            .filter(|b| b.pane == Some(focus))
            .find(matches)
            .or_else(|| BINDINGS.iter().filter(|b| b.pane.is_none()).find(matches))
            .map(|b| b.action)
    }

    /// No key may mean two actions in one place: both global, or both in one pane.
    fn check_conflicts(&self) -> Result<(), String> {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.pane != b.pane {
                    continue;
                }
                if let Some(k) = self.keys(a).iter().find(|k| self.keys(b).contains(k)) {
                    let name = |x: Action| -> &'static str { x.into() };
                    return Err(format!(
                        "keys: {} is bound to both {} and {}",
                        show(*k),
                        name(a.action),
                        name(b.action)
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `r`, `G`, `?`, `ctrl-r`, `alt-x`, `f5`, `enter`, `esc`, `tab`, `backtab`, `space`, arrows,
/// `pgup`, `pgdn`, `home`, `end`, `backspace`.
pub fn parse_key(s: &str) -> Result<Key, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            f if f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => return Err(format!("{s:?}: not a key gowasm knows")),
        },
    };
    Ok((code, mods))
}

fn show((code, mods): Key) -> String {
    let mut s = String::new();
    if mods.contains(KeyModifiers::CONTROL) {
        s.push_str("ctrl-");
    }
    if mods.contains(KeyModifiers::ALT) {
        s.push_str("alt-");
    }
    match code {
        KeyCode::Char(c) => s.push(c),
        KeyCode::F(n) => s.push_str(&format!("f{n}")),
        KeyCode::PageUp => s.push_str("pgup"),
        KeyCode::PageDown => s.push_str("pgdn"),
        other => s.push_str(&format!("{other:?}").to_ascii_lowercase()),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(a, k)| (a.to_string(), k.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn settings_replace_an_action_s_keys_and_its_label() {
        let map = KeyMap::new(&settings(&[("rebuild", &["f5", "ctrl-b"])])).unwrap();
        let key = |code, mods| KeyEvent::new(code, mods);
        assert_eq!(
            map.action(key(KeyCode::F(5), KeyModifiers::NONE), Pane::Output),
            Some(Action::Rebuild)
        );
        assert_eq!(
            map.action(key(KeyCode::Char('b'), KeyModifiers::CONTROL), Pane::Module),
            Some(Action::Rebuild)
        );
        assert_eq!(
            map.action(key(KeyCode::Char('r'), KeyModifiers::NONE), Pane::Output),
            None,
            "the old key is gone"
        );
        let b = BINDINGS
            .iter()
            .find(|b| b.action == Action::Rebuild)
            .unwrap();
        assert_eq!(map.label(b), "f5/ctrl-b");
    }

    #[test]
    fn bad_settings_are_refused_in_a_line() {
        for (s, needle) in [
            (settings(&[("rebuidl", &["r"])]), "no such action"),
            (settings(&[("rebuild", &["hyper-r"])]), "not a key"),
            (settings(&[("rebuild", &["q"])]), "both quit and rebuild"),
            (settings(&[("rebuild", &[])]), "at least one key"),
        ] {
            let e = KeyMap::new(&s).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
        // A pane's key may shadow a global one: `c` clears the output, Ctrl-C quits.
        assert!(KeyMap::new(&settings(&[("clear_output", &["x"])])).is_ok());
    }

    #[test]
    fn keys_parse_as_written() {
        assert_eq!(parse_key("G"), Ok((KeyCode::Char('G'), KeyModifiers::NONE)));
        assert_eq!(
            parse_key("Ctrl-Alt-x"),
            Ok((
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            ))
        );
        assert_eq!(parse_key("f12"), Ok((KeyCode::F(12), KeyModifiers::NONE)));
        assert!(parse_key("f13").is_err());
        assert_eq!(
            parse_key("space"),
            Ok((KeyCode::Char(' '), KeyModifiers::NONE))
        );
    }
}
