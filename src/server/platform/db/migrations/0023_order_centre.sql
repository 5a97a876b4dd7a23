-- [8/12] The order centre (缴费记录): a patient's orders newest first, keyset-paged by (created_at, id).
-- GET /orders reads each patient's range (the caller and the family members they act for) in this order.
create index payment_order_patient_created on payment_order (patient_id, created_at desc, id desc);
