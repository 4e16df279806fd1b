-- A till numbers its sales itself (offline too). When that number is already another order's (a
-- second device on the same register), the sale is still taken: it gets the register's next
-- number, and the till's number, the one on the customer's receipt, is kept here and searchable.
alter table sales.orders add column till_number text;
create index orders_till_number on sales.orders (tenant_id, till_number) where till_number is not null;
