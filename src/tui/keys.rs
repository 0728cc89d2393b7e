//! The key table: every binding in one place; the footer and the help overlay are generated
//! from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::KeyMap;
use super::panes::Pane;

/// What a key does; its name in settings files is the snake_case one (`cycle_mode`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Rebuild,
    CycleMode,
    RunAll,
    Bench,
    ExportImage,
    CompareToolchains,
    FocusNext,
    FocusPrev,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Search,
    ToggleWrap,
    TogglePause,
    ToggleProfile,
    ToggleBrowser,
    ClearOutput,
    CancelRun,
    OpenEditor,
    Prompt,
    NextTab,
    PrevTab,
    OpenPackage,
    ClosePackage,
}

/// One binding: the keys, what they do, where they apply (`None`: everywhere), how to show it.
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub action: Action,
    pub pane: Option<Pane>,
    pub label: &'static str,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// Every binding gowasm has.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        action: Action::Quit,
        pane: None,
        label: "q",
        help: "quit",
    },
    Binding {
        keys: &[(KeyCode::Char('?'), NONE)],
        action: Action::Help,
        pane: None,
        label: "?",
        help: "help",
    },
    Binding {
        keys: &[(KeyCode::Char('r'), NONE)],
        action: Action::Rebuild,
        pane: None,
        label: "r",
        help: "rebuild and rerun",
    },
    Binding {
        keys: &[(KeyCode::Char('m'), NONE)],
        action: Action::CycleMode,
        pane: None,
        label: "m",
        help: "mode: cycle interp+aot, interp, baseline, aot",
    },
    Binding {
        keys: &[(KeyCode::Char('a'), NONE)],
        action: Action::RunAll,
        pane: None,
        label: "a",
        help: "compare: run all modes side by side",
    },
    Binding {
        keys: &[(KeyCode::Char('b'), NONE)],
        action: Action::Bench,
        pane: None,
        label: "b",
        help: "bench: interleaved runs of each mode, median run times",
    },
    Binding {
        keys: &[(KeyCode::Char('i'), NONE)],
        action: Action::ExportImage,
        pane: None,
        label: "i",
        help: "image: export the last good build as an OCI archive",
    },
    Binding {
        keys: &[(KeyCode::Char('t'), NONE)],
        action: Action::CompareToolchains,
        pane: None,
        label: "t",
        help: "toolchains: also build with the other of Go and TinyGo on every save (toggle)",
    },
    Binding {
        keys: &[(KeyCode::Char('x'), NONE)],
        action: Action::CancelRun,
        pane: None,
        label: "x",
        help: "cancel the current build or run",
    },
    Binding {
        keys: &[(KeyCode::Char('p'), NONE)],
        action: Action::TogglePause,
        pane: None,
        label: "p",
        help: "pause or resume watching",
    },
    Binding {
        keys: &[(KeyCode::Char('P'), NONE)],
        action: Action::ToggleProfile,
        pane: None,
        label: "P",
        help: "profile: sample each run's CPU time (Module pane, Profile tab)",
    },
    Binding {
        keys: &[(KeyCode::Char('B'), NONE)],
        action: Action::ToggleBrowser,
        pane: None,
        label: "B",
        help: "browser: serve good builds; page output as `browser`",
    },
    Binding {
        keys: &[(KeyCode::Char(':'), NONE)],
        action: Action::Prompt,
        pane: None,
        label: ":",
        help: "args (:args …), env (:env K=V …), calls (:call f 1 2)",
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE)],
        action: Action::FocusNext,
        pane: None,
        label: "Tab",
        help: "focus the next pane",
    },
    Binding {
        keys: &[(KeyCode::BackTab, NONE)],
        action: Action::FocusPrev,
        pane: None,
        label: "S-Tab",
        help: "focus the previous pane",
    },
    Binding {
        keys: &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        action: Action::ScrollUp,
        pane: None,
        label: "j/k",
        help: "scroll / select",
    },
    Binding {
        keys: &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        action: Action::ScrollDown,
        pane: None,
        label: "",
        help: "",
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE)],
        action: Action::PageUp,
        pane: None,
        label: "PgUp/PgDn",
        help: "scroll a page",
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE)],
        action: Action::PageDown,
        pane: None,
        label: "",
        help: "",
    },
    Binding {
        keys: &[(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        action: Action::Top,
        pane: None,
        label: "Home/End",
        help: "top / bottom (follow)",
    },
    Binding {
        keys: &[(KeyCode::End, NONE), (KeyCode::Char('G'), NONE)],
        action: Action::Bottom,
        pane: None,
        label: "",
        help: "",
    },
    Binding {
        keys: &[(KeyCode::Char('/'), NONE)],
        action: Action::Search,
        pane: Some(Pane::Output),
        label: "/",
        help: "search the output",
    },
    Binding {
        keys: &[(KeyCode::Char('w'), NONE)],
        action: Action::ToggleWrap,
        pane: Some(Pane::Output),
        label: "w",
        help: "wrap long lines (toggle)",
    },
    Binding {
        keys: &[(KeyCode::Char('c'), NONE)],
        action: Action::ClearOutput,
        pane: Some(Pane::Output),
        label: "c",
        help: "clear the output",
    },
    Binding {
        keys: &[(KeyCode::Char('e'), NONE), (KeyCode::Enter, NONE)],
        action: Action::OpenEditor,
        pane: Some(Pane::Diagnostics),
        label: "e",
        help: "edit: open $EDITOR at the diagnostic",
    },
    Binding {
        keys: &[(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        action: Action::NextTab,
        pane: Some(Pane::Module),
        label: "←/→",
        help: "tabs of the module pane",
    },
    Binding {
        keys: &[(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        action: Action::PrevTab,
        pane: Some(Pane::Module),
        label: "",
        help: "",
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        action: Action::OpenPackage,
        pane: Some(Pane::Module),
        label: "Enter",
        help: "packages: the selected package's functions (Enter again: back)",
    },
    Binding {
        keys: &[(KeyCode::Backspace, NONE), (KeyCode::Esc, NONE)],
        action: Action::ClosePackage,
        pane: Some(Pane::Module),
        label: "",
        help: "",
    },
];

/// A key as the table writes it: crossterm reports `?` as Shift+`?` on some terminals and `?`
/// on others, and Shift-Tab as BackTab with or without Shift; the character says it all.
pub fn normalise(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    match key.code {
        KeyCode::Char(_) | KeyCode::BackTab => (key.code, key.modifiers - KeyModifiers::SHIFT),
        code => (code, key.modifiers),
    }
}

/// `(label, help)` pairs for the footer: the focused pane's keys, then the global ones.
pub fn footer(focus: Pane, keys: &KeyMap) -> Vec<(String, &'static str)> {
    let short = |b: &Binding| {
        let word = b.help.split([' ', ':']).next().unwrap_or(b.help);
        (keys.label(b), word)
    };
    let pane = BINDINGS
        .iter()
        .filter(|b| b.pane == Some(focus) && !b.label.is_empty());
    let global = BINDINGS.iter().filter(|b| {
        b.pane.is_none()
            && !b.label.is_empty()
            && matches!(
                b.action,
                Action::Quit
                    | Action::Help
                    | Action::Rebuild
                    | Action::CycleMode
                    | Action::RunAll
                    | Action::CancelRun
                    | Action::FocusNext
            )
    });
    pane.chain(global).map(short).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, NONE)
    }

    /// The action for a key in the focused pane, with the default bindings.
    fn action_for(key: KeyEvent, focus: Pane) -> Option<Action> {
        KeyMap::default().action(key, focus)
    }

    #[test]
    fn pane_keys_win_over_global_ones() {
        assert_eq!(
            action_for(key(KeyCode::Char('c')), Pane::Output),
            Some(Action::ClearOutput)
        );
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('c'), CTRL), Pane::Output),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(key(KeyCode::Enter), Pane::Diagnostics),
            Some(Action::OpenEditor)
        );
        assert_eq!(action_for(key(KeyCode::Enter), Pane::Output), None);
        assert_eq!(
            action_for(key(KeyCode::Char('q')), Pane::Module),
            Some(Action::Quit)
        );
    }

    #[test]
    fn shifted_characters_and_backtab_match_with_or_without_shift() {
        let shifted = |c| KeyEvent::new(c, KeyModifiers::SHIFT);
        assert_eq!(
            action_for(shifted(KeyCode::Char('?')), Pane::Output),
            Some(Action::Help)
        );
        assert_eq!(
            action_for(shifted(KeyCode::Char('G')), Pane::Output),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(shifted(KeyCode::BackTab), Pane::Output),
            Some(Action::FocusPrev)
        );
    }

    #[test]
    fn every_action_has_a_key() {
        use strum::IntoEnumIterator;
        for a in Action::iter() {
            assert!(BINDINGS.iter().any(|b| b.action == a), "{a:?}");
        }
    }

    #[test]
    fn every_action_has_one_binding_to_replace() {
        use strum::IntoEnumIterator;
        for a in Action::iter() {
            assert_eq!(
                BINDINGS.iter().filter(|b| b.action == a).count(),
                1,
                "{a:?}"
            );
        }
    }
}
