//! Starts `clinic-site lsp` for Markdown and YAML files: the binary from the `lsp.clinic-site`
//! settings (`binary.path`, `binary.arguments`), else `clinic-site` from the PATH.
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct ClinicSite;

impl zed::Extension for ClinicSite {
    fn new() -> Self {
        ClinicSite
    }

    fn language_server_command(&mut self, id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree).ok().and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("clinic-site"))
            .ok_or_else(|| "clinic-site is not on the PATH; set lsp.clinic-site.binary.path in Zed's settings".to_string())?;
        let args = binary.and_then(|b| b.arguments).unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command { command, args, env: Vec::new() })
    }
}

zed::register_extension!(ClinicSite);
