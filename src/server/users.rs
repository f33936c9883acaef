//! The users the picker page offers, and how a login_hint or `user` value picks one.

use crate::saml::User;

/// The built-in users: (login, user).
pub fn users() -> Vec<(&'static str, User)> {
    let person = |email: &str, given: &str, surname: &str, roles: &[&str]| User {
        name_id: email.into(),
        attributes: vec![
            ("email".into(), vec![email.into()]),
            ("givenName".into(), vec![given.into()]),
            ("surname".into(), vec![surname.into()]),
            ("role".into(), roles.iter().map(|r| (*r).to_owned()).collect()),
        ],
        ..User::default()
    };
    vec![
        ("alice", User::default()),
        ("bob", person("bob@example.com", "Bob", "Example", &["member"])),
        ("carol", person("carol@example.com", "Carol", "Admin", &["admin", "staff"])),
    ]
}

/// The user a hint names: a login (`bob`) or a built-in user's email; any other email-like
/// hint becomes alice's attributes under that NameID. `None` for no hint.
pub fn user_by_hint(hint: Option<&str>) -> Option<User> {
    let hint = hint?.trim();
    if hint.is_empty() {
        return None;
    }
    if let Some((_, user)) = users().into_iter().find(|(login, user)| *login == hint || user.name_id == hint) {
        return Some(user);
    }
    let mut user = User { name_id: hint.to_owned(), ..User::default() };
    if let Some((_, values)) = user.attributes.iter_mut().find(|(name, _)| name == "email") {
        *values = vec![hint.to_owned()];
    }
    Some(user)
}
