//! The tables, written once for both backends (text, integers and UTC
//! timestamps only).

diesel::table! {
    readers (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        name -> Text,
        role -> Text,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        address_city -> Nullable<Text>,
        address_region -> Nullable<Text>,
        address_postal_code -> Nullable<Text>,
        address_country -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        imported_at -> Nullable<Timestamp>,
        credentials_changed_at -> Nullable<Timestamp>,
        product_updates -> Integer,
        time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        reader_id -> Text,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        second_factor_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        reader_id -> Text,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(account_tokens -> readers (reader_id));
diesel::joinable!(sessions -> readers (reader_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    tiers (id) {
        id -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
        needs_shipping_address -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tier_perks (tier_id, perk) {
        tier_id -> Text,
        perk -> Text,
        status -> Text,
    }
}

diesel::table! {
    tier_prices (id) {
        id -> Text,
        tier_id -> Text,
        billing_interval -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        stripe_price_id -> Nullable<Text>,
        trial_days -> Integer,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        reader_id -> Text,
        tier_id -> Text,
        state -> Text,
        billing_interval -> Nullable<Text>,
        current_period_start -> Nullable<Timestamp>,
        current_period_end -> Nullable<Timestamp>,
        grace_ends_at -> Nullable<Timestamp>,
        comped_until -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        provider -> Nullable<Text>,
        provider_customer_id -> Nullable<Text>,
        provider_subscription_id -> Nullable<Text>,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disputed_at -> Nullable<Timestamp>,
        provider_updated_at -> Nullable<Timestamp>,
        payment_action_url -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
    }
}

diesel::table! {
    subscription_events (id) {
        id -> Text,
        subscription_id -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        actor -> Text,
        reason -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    media_files (id) {
        id -> Text,
        kind -> Text,
        path -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    issues (id) {
        id -> Text,
        number -> Integer,
        volume -> Integer,
        year -> Integer,
        title -> Text,
        cover_image_url -> Nullable<Text>,
        publication_date -> Timestamp,
        edition_media_id -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        dek -> Text,
        author -> Text,
        body -> Text,
        issue_id -> Nullable<Text>,
        visibility -> Text,
        paywall_cut -> Nullable<Integer>,
        audio_media_id -> Nullable<Text>,
        audio_duration_seconds -> Nullable<Integer>,
        publication_date -> Timestamp,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        audio_source -> Nullable<Text>,
        meter_rule -> Text,
    }
}

diesel::table! {
    checkouts (id) {
        id -> Text,
        reader_id -> Text,
        tier_id -> Text,
        billing_interval -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        provider -> Text,
        provider_session_id -> Nullable<Text>,
        status -> Text,
        subscription_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        url -> Nullable<Text>,
        source_article -> Nullable<Text>,
        page_token -> Nullable<Text>,
        offer_code -> Nullable<Text>,
        trial_days -> Integer,
        discount_cents -> BigInt,
        discount_payments -> Nullable<Integer>,
        gift_days -> Integer,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        subscription_id -> Text,
        reader_id -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        provider -> Text,
        provider_payment_id -> Text,
        provider_invoice_id -> Nullable<Text>,
        paid_at -> Timestamp,
        refunded_cents -> BigInt,
        created_at -> Timestamp,
        provider_charge_id -> Nullable<Text>,
        tax_cents -> Nullable<BigInt>,
        invoice_url -> Nullable<Text>,
    }
}

diesel::table! {
    billing_customers (reader_id) {
        reader_id -> Text,
        provider -> Text,
        customer_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reader_cards (reader_id, fingerprint) {
        reader_id -> Text,
        fingerprint -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    staff_second_factors (reader_id) {
        reader_id -> Text,
        secret -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    staff_recovery_codes (code_hash) {
        code_hash -> Text,
        reader_id -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        provider -> Text,
        event_type -> Text,
        object_id -> Nullable<Text>,
        received_at -> Timestamp,
    }
}

diesel::table! {
    refunds (id) {
        id -> Text,
        payment_id -> Text,
        subscription_id -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        provider -> Text,
        provider_refund_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        actor -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refund_requests (id) {
        id -> Text,
        subscription_id -> Text,
        reader_id -> Text,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refund_actions (subscription_id) {
        subscription_id -> Text,
        status -> Text,
        idempotency_key -> Nullable<Text>,
        actor -> Text,
        reason -> Text,
        failure -> Nullable<Text>,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        staff_id -> Text,
        staff_role -> Text,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        reader_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        details -> Nullable<Text>,
        request_id -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (subject, client) {
        subject -> Text,
        client -> Text,
        window_start -> Timestamp,
        failures -> Integer,
    }
}

diesel::joinable!(refund_requests -> subscriptions (subscription_id));
diesel::joinable!(refund_requests -> readers (reader_id));
diesel::joinable!(refund_actions -> subscriptions (subscription_id));
diesel::joinable!(billing_customers -> readers (reader_id));
diesel::joinable!(refunds -> payments (payment_id));
diesel::joinable!(refunds -> subscriptions (subscription_id));
diesel::joinable!(tier_perks -> tiers (tier_id));
diesel::joinable!(tier_prices -> tiers (tier_id));
diesel::joinable!(subscriptions -> readers (reader_id));
diesel::joinable!(subscriptions -> tiers (tier_id));
diesel::table! {
    email_collisions (reader_id) {
        reader_id -> Text,
        email -> Text,
        reason -> Text,
        found_at -> Timestamp,
    }
}

diesel::joinable!(subscription_events -> subscriptions (subscription_id));
diesel::joinable!(articles -> issues (issue_id));
diesel::table! {
    subscription_plan_changes (id) {
        id -> Text,
        subscription_id -> Text,
        kind -> Text,
        from_tier_id -> Text,
        from_interval -> Text,
        to_tier_id -> Text,
        to_interval -> Text,
        status -> Text,
        prorated_cents -> Nullable<BigInt>,
        effective_at -> Timestamp,
        actor -> Text,
        created_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(checkouts -> readers (reader_id));
diesel::joinable!(checkouts -> tiers (tier_id));
diesel::joinable!(checkouts -> subscriptions (subscription_id));
diesel::joinable!(subscription_plan_changes -> subscriptions (subscription_id));
diesel::joinable!(payments -> subscriptions (subscription_id));
diesel::joinable!(payments -> readers (reader_id));
diesel::joinable!(provider_follow_ups -> subscriptions (subscription_id));
diesel::table! {
    provider_follow_ups (id) {
        id -> Text,
        provider -> Text,
        kind -> Text,
        target -> Text,
        subscription_id -> Nullable<Text>,
        reason -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        run_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        dedupe_key -> Nullable<Text>,
        last_error -> Nullable<Text>,
        provider_message_id -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    receipt_numbers (provider) {
        provider -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    reminders_sent (reminder_key) {
        reminder_key -> Text,
        about -> Timestamp,
        queued_at -> Timestamp,
    }
}

diesel::table! {
    price_changes (id) {
        id -> Text,
        tier_id -> Text,
        billing_interval -> Text,
        currency -> Text,
        amount_cents -> BigInt,
        effective_at -> Timestamp,
        stripe_price_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    price_change_moves (price_change_id, subscription_id) {
        price_change_id -> Text,
        subscription_id -> Text,
        applies_at -> Timestamp,
        notified_at -> Timestamp,
        moved_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(price_changes -> tiers (tier_id));
diesel::joinable!(price_change_moves -> price_changes (price_change_id));

diesel::table! {
    gift_links (id) {
        id -> Text,
        token_hash -> Text,
        article_id -> Text,
        giver_id -> Text,
        subscription_id -> Nullable<Text>,
        publisher -> Integer,
        opens -> Integer,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}
diesel::joinable!(gift_links -> articles (article_id));
diesel::joinable!(gift_links -> readers (giver_id));

diesel::table! {
    meters (id) {
        id -> Text,
        created_at -> Timestamp,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    meter_reads (meter_id, article_id) {
        meter_id -> Text,
        article_id -> Text,
        read_at -> Timestamp,
    }
}
diesel::joinable!(meter_reads -> meters (meter_id));
diesel::joinable!(meter_reads -> articles (article_id));

diesel::table! {
    offers (code) {
        code -> Text,
        name -> Text,
        percent_off -> Nullable<Integer>,
        amount_off_cents -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        trial_days -> Integer,
        duration_months -> Nullable<Integer>,
        listed -> Integer,
        max_redemptions -> Nullable<Integer>,
        redemptions -> Integer,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        stripe_coupon_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offer_plans (offer_code, tier_id, billing_interval) {
        offer_code -> Text,
        tier_id -> Text,
        billing_interval -> Text,
    }
}

diesel::table! {
    offer_redemptions (checkout_id) {
        checkout_id -> Text,
        offer_code -> Text,
        reader_id -> Text,
        subscription_id -> Nullable<Text>,
        redeemed_at -> Timestamp,
    }
}

diesel::table! {
    trials_used (reader_id) {
        reader_id -> Text,
        checkout_id -> Text,
        trial_days -> Integer,
        used_at -> Timestamp,
    }
}

diesel::joinable!(offer_plans -> offers (offer_code));
diesel::joinable!(offer_redemptions -> offers (offer_code));

diesel::table! {
    gifts (id) {
        id -> Text,
        tier_id -> Text,
        months -> Integer,
        amount_cents -> BigInt,
        currency -> Text,
        buyer_email -> Text,
        buyer_reader_id -> Nullable<Text>,
        recipient_email -> Text,
        message -> Nullable<Text>,
        deliver_at -> Timestamp,
        status -> Text,
        provider -> Text,
        provider_session_id -> Nullable<Text>,
        provider_payment_id -> Nullable<Text>,
        url -> Nullable<Text>,
        page_token -> Nullable<Text>,
        redeem_token_hash -> Nullable<Text>,
        refund_token_hash -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        paid_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        redeemed_at -> Nullable<Timestamp>,
        redeemed_by -> Nullable<Text>,
        subscription_id -> Nullable<Text>,
        refunded_at -> Nullable<Timestamp>,
        provider_refund_id -> Nullable<Text>,
        refunded_by -> Nullable<Text>,
    }
}
diesel::joinable!(gifts -> tiers (tier_id));
diesel::joinable!(reader_cards -> readers (reader_id));
diesel::joinable!(staff_second_factors -> readers (reader_id));
diesel::joinable!(staff_recovery_codes -> readers (reader_id));
diesel::joinable!(gifts -> subscriptions (subscription_id));

diesel::allow_tables_to_appear_in_same_query!(
    readers,
    sessions,
    refresh_tokens,
    account_tokens,
    tiers,
    tier_perks,
    tier_prices,
    subscriptions,
    subscription_events,
    media_files,
    issues,
    articles,
    checkouts,
    payments,
    billing_customers,
    webhook_events,
    refunds,
    refund_requests,
    refund_actions,
    audit_log,
    login_failures,
    subscription_plan_changes,
    email_collisions,
    provider_follow_ups,
    jobs,
    receipt_numbers,
    reminders_sent,
    price_changes,
    price_change_moves,
    gift_links,
    meters,
    meter_reads,
    offers,
    offer_plans,
    offer_redemptions,
    trials_used,
    gifts,
    staff_second_factors,
    staff_recovery_codes,
    reader_cards,
);
