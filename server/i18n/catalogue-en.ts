// The English texts of the server besides the error codes' own messages (server/errors.ts): the
// other messages an error body carries, and every mail. {{name}} is filled in; zh-CN.ts mirrors the keys.

export const EN_TEXTS = {
  // Messages services put in an error body instead of the code's own. The error handler finds a
  // message here by its English text ({{…}} matching any text) and answers it in the request's language.
  "message.change_names_company_roles": "A change names one or more roles of this company.",
  "message.form_field_twice": "A form field is given twice.",
  "message.scim_token_required": "A valid SCIM bearer token is required.",
  "message.account_created_meanwhile":
    "An account for this email was created meanwhile; log in and accept again.",
  "message.account_exists": "An account with this email already exists.",
  "message.choose_password": "Choose a password to create your account.",
  "message.choose_event_types": "Choose one or more event types of the catalogue.",
  "message.choose_merchant_accounts": "Choose one or more merchant accounts.",
  "message.choose_roles": "Choose one or more roles of this company.",
  "message.expiry_names_role": "Each expiry names one of the requested roles, once.",
  "message.enter_code": "Enter the code.",
  "message.enter_name": "Enter your name to create your account.",
  "message.insights_one_year": "Insights cover at most one year at a time.",
  "message.log_in_as_invited": "Log in as the invited email to accept.",
  "message.no_totp_setup": "No authenticator app is being set up; start the setup again.",
  "message.no_such_role": "No such role in this company.",
  "message.no_such_challenge": "No such verification challenge for this session.",
  "message.only_change_names_roles": "Only a change names roles.",
  "message.dns_failed": "The DNS look-up failed; try again in a moment.",
  "message.host_not_resolving": "The URL's host name does not resolve.",
  "message.if_match_mismatch": "The body's version and If-Match name different versions.",
  "message.if_match_format": 'If-Match takes one strong ETag of the member, e.g. "7".',
  "message.totp_code_incorrect": "The code from the authenticator app is not correct.",
  "message.cursor_invalid": "The cursor is not valid.",
  "message.cursor_restart": "The cursor is not valid; start again from the first page.",
  "message.file_no_rows": "The file has no rows.",
  "message.password_must_differ": "The new password must differ from the current one.",
  "message.password_changed_meanwhile": "The password was changed meanwhile; reload and try again.",
  "message.sso_changed_meanwhile": "The single sign-on settings changed since you read them; reload.",
  "message.metrics_token_required": "This endpoint needs the metrics bearer token.",
  "message.primary_email_chosen": "This is your primary email; choose a different address.",
  "message.verification_ended": "This verification has ended; start a new one.",
  "message.passkey_verification": "This verification is answered with a passkey.",
  "message.too_many_codes_log_in_again": "Too many wrong codes: log in again.",
  "message.unknown_merchant_account": "Unknown merchant account for this company.",
  "message.unknown_role": "Unknown role for this company.",
  "message.scope_exceeds_own": "You can only grant merchant accounts in your own scope.",
  "message.from_before_to": "`from` must be before `to`.",
  "message.challenge_locked": "Too many wrong codes for this challenge; request a new code.",
  "message.code_replaced": "A newer code replaced this one; use the newest code or request another.",
  "message.code_expired": "This code has expired; request a new one.",
  "message.code_used": "This code was already used; request a new one.",
  "message.verification_paused":
    "Too many failed verifications: verification is paused for this account; try again later.",
  "message.invitation_resent_moments_ago":
    "This invitation was sent moments ago; wait a minute before resending it.",
  "message.idp_unreachable": "Your identity provider cannot be reached; try again later.",
  "message.last_admin_of_company":
    "You are the last active Admin of a company; make someone else Admin first.",
  "message.permission_needed": "You need the {{permission}} permission for this.",
  "message.expiry_range": "An expiry must lie in the future, at most {{days}} days ahead.",
  "message.txt_not_found":
    'No TXT record "{{record}}" was found at {{domain}}. Publish it, wait for DNS to update, then verify again.',
  "message.not_a_domain": '"{{domain}}" is not a domain name.',
  "message.role_lookalike": 'This name reads like the role "{{role}}"; choose another.',
  "message.session_idle_range":
    "The session idle timeout must be from {{min}} to {{max}} minutes, or empty for {{default}}.",
  "message.invite_domains_only": "This company only invites emails at {{domains}}.",
  "message.email_domain_invalid": "The email domain is not a valid domain name.",
  "message.email_domain_mixed":
    "The email domain mixes look-alike alphabets (for example Latin and Cyrillic).",
  "message.email_spaces": "The email contains spaces, line breaks or invisible characters.",
  "message.email_empty": "The email is empty.",
  "message.email_too_long": "The email is too long.",
  "message.email_not_string": "The email must be a string.",
  "message.email_one_at": "The email must contain exactly one @.",
  "message.email_local_dots":
    "The part before the @ cannot start or end with a dot or contain two dots in a row.",
  "message.email_local_character": "The part before the @ contains a character that is not allowed.",
  "message.email_local_length": "The part before the @ must be 1 to 64 characters.",
  "message.email_local_latin":
    "The part before the @ must use only unaccented Latin letters, digits and common symbols.",
  "message.password_not_text": "The password must be text.",
  "message.password_invalid_character": "The password contains an invalid character; please retype it.",
  "message.password_too_short":
    "The password must be at least {{min}} characters long; a few unrelated words make a good one.",
  "message.password_too_long": "The password must be at most {{max}} characters long.",
  "message.password_common":
    "This password is on a list of commonly used passwords (digits or symbols around it do not help); choose something less predictable.",
  "message.password_contains_email": "The password must not contain your email address or your name from it.",
  "message.password_contains_word":
    'The password must not contain the word "{{word}}", which is easy to guess here.',
  "message.time_zone_invalid": "Choose a time zone by its IANA name, such as Asia/Shanghai.",
  "message.preferences_empty": "Give a language, a time zone or both.",
  "message.import_max_rows": "A file may hold at most {{max}} rows.",
  "message.row_unknown_roles": "No role of this company is named {{names}}.",
  "message.row_choose_roles": "Choose one or more roles for this row.",
  "message.invite_domain_invalid_named": '"{{domain}}" is not a valid domain name.',
  "message.name_one_line":
    "{{label}} must be one line of visible characters: no control, zero-width or text-direction characters.",
  "message.name_length": "{{label}} must be 1 to {{max}} characters.",
  "message.reset_requested":
    "If an account uses this email, a link to choose a new password is on its way. It works for 30 minutes.",
  "message.invite_domain_twice": "{{domain}} is listed twice.",
  "message.policy_requires_factor_one":
    "{{companies}} requires two-factor authentication: add another factor before removing this one.",
  "message.policy_requires_factor_many":
    "{{companies}} require two-factor authentication: add another factor before removing this one.",
  "message.empty_body": "The request body is empty; send a JSON object.",
  /** A request field that failed the schema: the field's path, in place of the validator's English. */
  "validation.field_invalid": "{{field}} is not valid.",

  "mail.footer": "Merchant Portal: this message was sent automatically.",
  "mail.hello": "Hello,",
  "mail.hello_name": "Hello {{name}},",
  "mail.time_utc": "{{time}} UTC",
  "mail.time_zone": "{{time}} ({{zone}})",
  "mail.list_separator": ", ",

  "mail.invitation.subject": "You are invited to join {{company}} on Merchant Portal",
  "mail.invitation.administrators": "The Merchant Portal administrators",
  "mail.invitation.invited":
    "{{inviter}} invited you to join {{company}} on Merchant Portal with the role(s): {{roles}}.",
  "mail.invitation.accept_before":
    "Open the link below to accept before {{expiresAt}}. It works once, only for this email address, and stops working if the invitation is resent or revoked.",
  "mail.invitation.link": "Accept the invitation",
  "mail.invitation.ignore":
    "If you did not expect this invitation, ignore this message: nothing happens without you.",

  "mail.sso.name": "Single sign-on",
  "mail.sso.provider": "your company's identity provider",
  "mail.member.not_you": "If you did not expect this, ask an Admin of the company.",
  "mail.roles_changed.subject": "Your roles in {{company}} on Merchant Portal changed",
  "mail.roles_changed.body":
    "{{person}} changed your roles in {{company}} on {{at}}. Your roles are now: {{roles}}.",
  "mail.roles_changed.follow":
    "What you can see and do in the company's portal follows your new roles from now on.",
  "mail.deactivated.subject": "Your access to {{company}} on Merchant Portal was deactivated",
  "mail.deactivated.body":
    "Your membership of {{company}} on Merchant Portal was deactivated on {{at}}. You can no longer open the company's pages.",
  "mail.reactivated.subject": "Your access to {{company}} on Merchant Portal was restored",
  "mail.reactivated.body":
    "Your membership of {{company}} on Merchant Portal was reactivated on {{at}}, with the roles you held: {{roles}}.",

  "mail.step_up.subject": "Your Merchant Portal verification code",
  "mail.step_up.code":
    "Your verification code is {{code}}. It is valid for {{minutes}} minutes and works once.",
  "mail.step_up.why":
    "Someone signed in to your account asked for it to confirm a sensitive action. If it was not you, do not share the code and change your password.",
  "mail.alternate_code.subject": "Confirm your Merchant Portal alternate email",
  "mail.alternate_code.code":
    "Your code to confirm this address as your alternate email is {{code}}. It is valid for {{minutes}} minutes and works once.",
  "mail.alternate_code.ignore":
    "If you did not ask for this, ignore this message: nothing changes without the code.",
  "mail.alternate_changed.subject": "Your Merchant Portal alternate email was changed",
  "mail.alternate_changed.body":
    "The alternate email of your Merchant Portal account was set to {{address}} on {{at}}. Verification codes now go to that address.",
  "mail.alternate_changed.not_you":
    "If this was not you, change your password at once and set your alternate email again.",

  "mail.login_locked.subject": "Logins to your Merchant Portal account are paused",
  "mail.login_locked.known_device": "logins from that device (one you logged in from before) are refused",
  "mail.login_locked.unknown_devices":
    "logins from devices you have not logged in from before are refused; devices you used before are not affected",
  "mail.login_locked.body":
    "Someone entered a wrong password for your Merchant Portal account many times in a row, so {{paused}} for the next {{minutes}} minutes. None of those attempts got in.",
  "mail.login_locked.unlock":
    "To log in now anyway, open this link within {{minutes}} minutes in the browser you want to log in from. It works once, and only in that browser.",
  "mail.login_locked.link": "Unlock login on this browser",
  "mail.login_locked.not_you":
    'If it was not you, consider choosing a new password with "Forgot password" on the login page (that also lifts the pause).',

  "mail.role_expiring.subject": "Your {{role}} role in {{company}} expires soon",
  "mail.role_expiring.body": "Your {{role}} role in {{company}} on Merchant Portal expires on {{at}}.",
  "mail.role_expiring.extend": "If you still need it, ask an Admin of the company to extend it.",
  "mail.last_admin_kept.subject": "An expired Admin role in {{company}} was kept",
  "mail.last_admin_kept.body":
    "The Admin role of {{email}} in {{company}} expired on {{at}}, but it was kept: the company would otherwise have no Admin.",
  "mail.last_admin_kept.next": "Give another member the Admin role, then remove or extend this one.",
  "mail.inactivity.subject": "Your access to {{company}} will be deactivated for inactivity",
  "mail.inactivity.body":
    "You have not used {{company}} on Merchant Portal for a while. Unless you sign in to it, your membership will be deactivated on {{at}}.",
  "mail.inactivity.keep": "Signing in to the company's portal keeps your access.",

  "mail.factor.subject": "Your Merchant Portal sign-in security changed",
  "mail.factor.body": "{{what}} on your Merchant Portal account on {{at}}.",
  "mail.factor.not_you":
    "If this was not you, sign in, change your password at once and review your second factors on the Security page of your profile.",
  "mail.factor.totp_added": 'An authenticator app ("{{name}}") was added as a second factor',
  "mail.factor.factor_renamed": 'A second factor was renamed to "{{name}}"',
  "mail.factor.factor_removed": 'The second factor "{{name}}" was removed',
  "mail.factor.recovery_codes_generated":
    "New recovery codes were generated (the previous ones no longer work)",
  "mail.factor.recovery_code_used": "A recovery code was used to sign in ({{remaining}} unused codes left)",
  "mail.factor.reset_by_operator":
    "The portal's operator removed every second factor and recovery code, at your request",

  "mail.passkey_added.subject": "A passkey was added to your Merchant Portal account",
  "mail.passkey_added.body":
    'A passkey named "{{name}}" was added to your Merchant Portal account on {{at}}. It can sign in to your account without a password.',
  "mail.passkey_added.not_you":
    "If this was not you, log in, remove the passkey and change your password at once:",
  "mail.log_in": "Log in",

  "mail.password_reset.subject": "Reset your Merchant Portal password",
  "mail.password_reset.body":
    "Someone asked to reset the password of your Merchant Portal account. If it was you, open the link below within {{minutes}} minutes and choose a new password. The link works once.",
  "mail.password_reset.link": "Choose a new password",
  "mail.password_reset.ignore":
    "If you did not ask for this, ignore this message: your password stays as it is.",
  "mail.password_changed.subject": "Your Merchant Portal password was changed",
  "mail.password_changed.changed": "changed",
  "mail.password_changed.reset": "reset with a link sent to your primary email address",
  "mail.password_changed.body":
    "The password of your Merchant Portal account was {{what}} on {{at}}. Your other sessions were signed out.",
  "mail.password_changed.not_you":
    'If this was not you, choose a new password at once with "Forgot password" on the login page:',

  "mail.webhook_disabled.subject": "A webhook endpoint of {{company}} was disabled",
  "mail.webhook_disabled.body":
    "Deliveries to the webhook endpoint {{url}} of {{company}} failed for 3 days, so the portal disabled it on {{at}}. Last error: {{error}}.",
  "mail.webhook_disabled.next":
    "Events are no longer queued for it. Fix the receiver, then enable the endpoint again in the Developer Center; undelivered events are sent then, in order.",

  // The predefined roles' names (SPEC §1), as mails name them.
  "role.admin": "Admin",
  "role.finance": "Finance",
  "role.operations": "Operations",
  "role.developer": "Developer",
  "role.data_analytics": "Data Analytics",
} as const;

export type TextKey = keyof typeof EN_TEXTS;
