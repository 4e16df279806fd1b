-- Offline PIN switch: a till that is offline checks a cashier's PIN against a verifier it cached
-- while online. The verifier is PBKDF2-HMAC-SHA256 of the PIN under a per-user random salt, made
-- when the PIN is set (the peppered pin_hmac never leaves the server). A PIN set before this
-- migration gets its verifier at its next change or its next online PIN switch.
alter table identity.users add column pin_verifier jsonb;
