//! Colours and emphasis in one place. Widgets ask the theme for a role ("selected", "error"),
//! never for a colour. State is also written in words or symbols, so `NO_COLOR` loses nothing.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub base: Style,
    pub header: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub selected: Style,
    pub muted: Style,
    pub label: Style,
    pub label_focus: Style,
    pub field_focus: Style,
    pub error: Style,
    pub ok: Style,
    pub warn: Style,
    pub status: Style,
    pub key: Style,
    pub popup: Style,
    /// Risk levels from lowest to highest; methods with more or fewer bands are spread over
    /// these four.
    pub levels: [Style; 4],
    /// Presentation mode and the confidential marks, set by the app (see `ui::presentation`).
    pub presentation: super::presentation::Presentation,
    /// How far the detail pane of the selected record is scrolled, set by the app.
    pub detail: super::components::DetailScroll,
}

impl Theme {
    /// The theme for a name; with `no_color` every theme becomes its colourless variant.
    pub fn new(name: ThemeName, no_color: bool) -> Self {
        let mut theme = match name {
            _ if no_color => Theme::monochrome(),
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::HighContrast => Theme::high_contrast(),
        };
        theme.presentation.no_color = no_color;
        theme
    }

    fn dark() -> Self {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new().fg(Color::Gray).bg(Color::Reset),
            header: Style::new().fg(Color::White).bg(Color::Rgb(30, 40, 60)),
            tab: Style::new().fg(Color::Gray).bg(Color::Rgb(30, 40, 60)),
            tab_active: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(bold),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan),
            title: Style::new().fg(Color::Cyan).add_modifier(bold),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::LightCyan)
                .add_modifier(bold),
            muted: Style::new().fg(Color::DarkGray),
            label: Style::new().fg(Color::Gray),
            label_focus: Style::new().fg(Color::Cyan).add_modifier(bold),
            field_focus: Style::new().bg(Color::Rgb(40, 50, 70)),
            error: Style::new().fg(Color::LightRed).add_modifier(bold),
            ok: Style::new().fg(Color::LightGreen),
            warn: Style::new().fg(Color::Yellow),
            status: Style::new().fg(Color::Gray).bg(Color::Rgb(30, 40, 60)),
            key: Style::new().fg(Color::Cyan).add_modifier(bold),
            popup: Style::new().fg(Color::White).bg(Color::Rgb(20, 24, 32)),
            levels: [
                Style::new().fg(Color::Black).bg(Color::Rgb(120, 190, 120)),
                Style::new().fg(Color::Black).bg(Color::Rgb(230, 200, 90)),
                Style::new().fg(Color::Black).bg(Color::Rgb(240, 140, 60)),
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Rgb(200, 50, 50))
                    .add_modifier(bold),
            ],
            presentation: Default::default(),
            detail: Default::default(),
        }
    }

    fn light() -> Self {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new().fg(Color::Black).bg(Color::Reset),
            header: Style::new().fg(Color::Black).bg(Color::Rgb(215, 225, 240)),
            tab: Style::new().fg(Color::Black).bg(Color::Rgb(215, 225, 240)),
            tab_active: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(bold),
            border: Style::new().fg(Color::Gray),
            border_focus: Style::new().fg(Color::Blue),
            title: Style::new().fg(Color::Blue).add_modifier(bold),
            selected: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(bold),
            muted: Style::new().fg(Color::DarkGray),
            label: Style::new().fg(Color::DarkGray),
            label_focus: Style::new().fg(Color::Blue).add_modifier(bold),
            field_focus: Style::new().bg(Color::Rgb(230, 236, 248)),
            error: Style::new().fg(Color::Red).add_modifier(bold),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Rgb(160, 100, 0)),
            status: Style::new().fg(Color::Black).bg(Color::Rgb(215, 225, 240)),
            key: Style::new().fg(Color::Blue).add_modifier(bold),
            popup: Style::new().fg(Color::Black).bg(Color::Rgb(245, 245, 245)),
            levels: [
                Style::new().fg(Color::Black).bg(Color::Rgb(170, 220, 170)),
                Style::new().fg(Color::Black).bg(Color::Rgb(250, 225, 130)),
                Style::new().fg(Color::Black).bg(Color::Rgb(250, 170, 100)),
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Rgb(190, 40, 40))
                    .add_modifier(bold),
            ],
            presentation: Default::default(),
            detail: Default::default(),
        }
    }

    /// For projectors and screen sharing: pure black and white, yellow for focus.
    fn high_contrast() -> Self {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new().fg(Color::White).bg(Color::Black),
            header: Style::new()
                .fg(Color::White)
                .bg(Color::Black)
                .add_modifier(bold),
            tab: Style::new().fg(Color::White).bg(Color::Black),
            tab_active: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            border: Style::new().fg(Color::White),
            border_focus: Style::new().fg(Color::Yellow).add_modifier(bold),
            title: Style::new().fg(Color::Yellow).add_modifier(bold),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            muted: Style::new().fg(Color::White),
            label: Style::new().fg(Color::White).add_modifier(bold),
            label_focus: Style::new()
                .fg(Color::Yellow)
                .add_modifier(bold | Modifier::UNDERLINED),
            field_focus: Style::new()
                .fg(Color::White)
                .bg(Color::Black)
                .add_modifier(Modifier::UNDERLINED),
            error: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(bold),
            ok: Style::new().fg(Color::White).add_modifier(bold),
            warn: Style::new().fg(Color::Yellow).add_modifier(bold),
            status: Style::new().fg(Color::Black).bg(Color::White),
            key: Style::new().fg(Color::Yellow).add_modifier(bold),
            popup: Style::new().fg(Color::White).bg(Color::Black),
            levels: [
                Style::new().fg(Color::Black).bg(Color::Green),
                Style::new().fg(Color::Black).bg(Color::Yellow),
                Style::new()
                    .fg(Color::Black)
                    .bg(Color::LightRed)
                    .add_modifier(bold),
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(bold | Modifier::UNDERLINED),
            ],
            presentation: Default::default(),
            detail: Default::default(),
        }
    }

    /// `NO_COLOR`: emphasis by bold, reverse and underline only.
    fn monochrome() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        Theme {
            base: Style::new(),
            header: Style::new(),
            tab: Style::new(),
            tab_active: reversed.add_modifier(Modifier::BOLD),
            border: Style::new(),
            border_focus: bold,
            title: bold,
            selected: reversed,
            muted: Style::new().add_modifier(Modifier::DIM),
            label: Style::new(),
            label_focus: bold.add_modifier(Modifier::UNDERLINED),
            field_focus: Style::new().add_modifier(Modifier::UNDERLINED),
            error: bold,
            ok: Style::new(),
            warn: bold,
            status: reversed,
            key: bold,
            popup: Style::new(),
            // Without colour the level's name is written in every cell instead.
            levels: [Style::new(), Style::new(), bold, reversed],
            presentation: Default::default(),
            detail: Default::default(),
        }
    }
}

impl Theme {
    /// The style of band `index` of `count` bands.
    pub fn level(&self, index: usize, count: usize) -> Style {
        let count = count.max(1);
        let slot = if count == 1 {
            0
        } else {
            index * 3 / (count - 1)
        };
        self.levels[slot.min(3)]
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}
