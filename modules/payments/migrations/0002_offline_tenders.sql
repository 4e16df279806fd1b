-- Offline tenders: a card taken while the till was offline is stored and forwarded. The till
-- encrypts the card to the processor's terminal key; this column holds that ciphertext (which
-- NovaPOS cannot decrypt) until the charge is settled, then it is cleared as card_token is.
alter table payments.payments add column offline boolean not null default false;
alter table payments.payments add column encrypted_card text;
