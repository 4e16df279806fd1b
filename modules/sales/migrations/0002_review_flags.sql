-- An order can be flagged for review after it was created (an offline card declined when the
-- till synced, an offline gift card short of what the till knew): logged as a 'flag' transition.
alter table sales.order_transitions drop constraint order_transitions_action_check;
alter table sales.order_transitions add constraint order_transitions_action_check
  check (action in ('create', 'update', 'park', 'resume', 'complete', 'void', 'review', 'flag'));
