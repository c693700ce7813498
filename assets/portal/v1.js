/*! Masthead reader portal v1 — docs/integration/portal.md
 *
 * One script a magazine's site includes from the API's own address:
 *   <script src="https://api.magazine.example/portal/v1.js" defer></script>
 * It defines custom elements (<masthead-subscribe>, <masthead-paywall>,
 * <masthead-account>, <masthead-status>, <masthead-verify-email>,
 * <masthead-reset-password>, <masthead-checkout-success>,
 * <masthead-checkout-canceled>) and opens the login/signup dialogs for any
 * element with data-masthead="login|signup|logout".
 *
 * Browser mode: the access token lives in this closure only; the refresh
 * token is the API's HttpOnly cookie, sent with the X-CSRF-Token header.
 * Tabs take turns refreshing (Web Locks) and tell each other about logins
 * and logouts (BroadcastChannel). No eval, no inline styles: elements are
 * built with the DOM and styled by classes (v1.css), so a strict CSP on the
 * site allows the portal.
 */
(() => {
  "use strict";
  if (window.customElements?.get("masthead-status")) return;
  const script = document.currentScript;
  const data = script ? script.dataset : {};
  const API = (data.api || (script ? new URL(script.src).origin : location.origin)).replace(/\/$/, "");
  const CONFIG = {
    account: data.accountUrl || "/account",
    subscribe: data.subscribeUrl || "/subscribe",
    guaranteeDays: Number(data.guaranteeDays || 60),
  };
  // The checkout request's field naming the article whose wall led to the
  // purchase (docs/integration/checkout.md, `source_article`): the one
  // place to change should the contract rename it.
  const CHECKOUT_ARTICLE_FIELD = "source_article";

  if (script && !("noCss" in data) && !document.querySelector("link[data-masthead-css]")) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = `${API}/portal/v1.css`;
    link.dataset.mastheadCss = "";
    document.head.append(link);
  }

  /* ---------------------------------------------------------------- strings */

  const STRINGS = {
    en: {
      login: "Log in", signup: "Sign up", logout: "Log out", account: "Account", close: "Close",
      hello: "Signed in as {name}", email: "Email", password: "Password", name: "Name",
      newPassword: "New password", currentPassword: "Current password",
      passwordHint: "At least 10 characters.",
      forgot: "Forgot your password?", noAccount: "New here? Create an account",
      haveAccount: "Already have an account? Log in",
      loginTitle: "Log in to your account", signupTitle: "Create your account",
      forgotTitle: "Reset your password", forgotSend: "Send the link",
      forgotSent: "If an account uses {email}, a link to reset its password is on its way.",
      signedUp: "Welcome! We sent a link to {email}: open it to confirm your address.",
      continue: "Continue",
      monthly: "Monthly", yearly: "Yearly", billing: "Billing period",
      perMonth: "{price} / month", perYear: "{price} / year",
      issues: "{n} issues per year", guarantee: "{n}-day money-back guarantee",
      cancelAnytime: "Cancel anytime", comingSoon: "Coming soon: {perk}",
      trial: "{n}-day free trial", subscribe: "Subscribe", subscribeTo: "Subscribe to {tier}, {interval}",
      offerPercent: "{name}: {n}% off", offerAmount: "{name}: {amount} off", offerTrial: "{name}: {n} days free",
      forMonths: " for {n} months",
      perk_digital_edition: "Digital edition", perk_print_edition: "Print edition mailed to your door",
      perk_audio: "Audio for every article", perk_exclusive_content: "Exclusive content",
      perk_archive: "Unlimited past issues", perk_ad_free: "Ad-free",
      loading: "Loading…", error: "Something went wrong. Please try again.",
      offline: "Cannot reach the magazine. Check your connection and try again.",
      alreadySubscribed: "You already have a subscription.", seeAccount: "See your account",
      verifyFirst: "Please confirm your email address first: we sent you a link.",
      resend: "Send the link again", resent: "We sent a new link.",
      addressFirst: "The print edition needs a shipping address: add it on your account page.",
      wallLogin: "Log in or create a free account to read the rest.",
      wallSubscribe: "Subscribe to read the rest of this article.",
      wallExpired: "Your subscription has ended. Subscribe again to keep reading.",
      wallPerk: "Your plan does not include {perk}.", upgrade: "Change your plan",
      wallPastDue: "Your last payment did not go through. Update your payment method to keep reading.",
      fixPayment: "Update payment method", haveSubscription: "Already a subscriber?",
      listen: "Listen to this article",
      verifying: "Confirming your email address…", verified: "Your email address is confirmed. Thank you!", verifiedLogin: "Please log in again to continue.",
      verifyFailed: "This link has expired or was already used.",
      resetTitle: "Choose a new password", resetSave: "Save the new password",
      resetDone: "Your password is changed. You can log in with it now.",
      missingToken: "This page needs the link from your email.",
      thanks: "Thank you for subscribing!", giftThanks: "Thank you for your gift! Your receipt is on its way, and the recipient gets the gift by email on the day you chose.", activating: "Activating your subscription…",
      active: "Your subscription is active.", continueReading: "Continue reading",
      notYet: "Your payment is still being confirmed. This page updates on its own; you can also come back later.",
      canceledCheckout: "You left the payment page; nothing was charged. Choose a plan when you are ready.",
      loginToSee: "Log in to see your account.",
      profile: "Profile", save: "Save", saved: "Saved.", address: "Print shipping address",
      line1: "Street and number", line2: "Flat, floor, c/o (optional)", city: "City",
      region: "State or county (optional)", postalCode: "Postal code", country: "Country code (e.g. GB)",
      emailVerified: "Your email address is confirmed.", emailUnverified: "Your email address is not confirmed yet.",
      changeEmail: "Change email", newEmail: "New email", emailChangeSent: "Open the link we sent to {email} to confirm it.",
      changePassword: "Change password", passwordChanged: "Your password is changed.",
      subscription: "Subscription", noSubscription: "You have no subscription.", seePlans: "See the plans",
      state_active: "Active", state_canceling: "Canceled, access until the period ends", state_past_due: "Payment overdue",
      state_comped: "Complimentary", state_gift: "Gift", state_trialing: "Free trial", state_expired: "Ended",
      state_refunded: "Refunded", state_incomplete: "Incomplete", state_canceled: "Canceled",
      renewsOn: "Renews on {date}", endsOn: "Ends on {date}", compedUntil: "Complimentary until {date}",
      cancel: "Cancel subscription", cancelConfirm: "Cancel at the end of the period? You keep access until {date}.",
      resume: "Resume subscription", changePlan: "Change plan", plan: "Plan", applyChange: "Change",
      planChanged: "Your plan is changed.", planChangeScheduled: "Your plan changes on {date}.",
      billingPortal: "Manage payment method and invoices",
      payments: "Payments", noPayments: "No payments yet.", date: "Date", amount: "Amount", status: "Status",
      kind_payment: "Payment", kind_refund: "Refund", invoice: "Invoice",
      refund: "Ask for your money back", refundUntil: "Our money-back guarantee covers you until {date}.",
      refundReason: "Why do you want your money back?", refundSend: "Ask for a refund",
      refundPending: "You asked for a refund on {date}; we will answer by email.",
      refundAnswered: "Refund request of {date}: {status}.",
      sessions: "Sessions", current: "this device", lastUsed: "last used {date}",
      logoutEverywhere: "Log out everywhere",
      deleteAccount: "Delete account", deleteWarning: "This deletes your account and cannot be undone.",
      deleteConfirm: "Delete my account", deleted: "Your account is deleted.",
      confirm: "Confirm", keep: "Keep it",
      unsubscribeAsk: "Stop receiving product updates from the magazine?", unsubscribe: "Stop product updates",
      unsubscribed: "Done: you will not receive product updates any more.",
      giftFrom: "{from} gave you {months} months of {tier}.", giftUsed: "This gift was already redeemed or has ended.",
      giftLogin: "Log in or create an account to redeem it.", giftRedeem: "Redeem the gift", giftRedeemed: "The gift is yours. Enjoy!",
      giftBought: "Your gift of {months} months to {email} ({amount}).", giftNotRefundable: "This gift can no longer be refunded here.",
      giftRefund: "Refund this gift", giftRefunded: "The gift is refunded.",
    },
    fr: {
      login: "Se connecter", signup: "Créer un compte", logout: "Se déconnecter", account: "Mon compte", close: "Fermer",
      hello: "Connecté·e : {name}", email: "E-mail", password: "Mot de passe", name: "Nom",
      newPassword: "Nouveau mot de passe", currentPassword: "Mot de passe actuel",
      passwordHint: "Au moins 10 caractères.",
      forgot: "Mot de passe oublié ?", noAccount: "Nouveau ? Créez un compte",
      haveAccount: "Déjà un compte ? Connectez-vous",
      loginTitle: "Connexion à votre compte", signupTitle: "Créer votre compte",
      forgotTitle: "Réinitialiser le mot de passe", forgotSend: "Envoyer le lien",
      forgotSent: "Si un compte utilise {email}, un lien pour changer son mot de passe arrive.",
      signedUp: "Bienvenue ! Nous avons envoyé un lien à {email} : ouvrez-le pour confirmer votre adresse.",
      continue: "Continuer",
      monthly: "Mensuel", yearly: "Annuel", billing: "Facturation",
      perMonth: "{price} / mois", perYear: "{price} / an",
      issues: "{n} numéros par an", guarantee: "Satisfait ou remboursé pendant {n} jours",
      cancelAnytime: "Résiliable à tout moment", comingSoon: "Bientôt : {perk}",
      trial: "{n} jours d’essai gratuit", subscribe: "S’abonner", subscribeTo: "S’abonner à {tier}, {interval}",
      offerPercent: "{name} : −{n} %", offerAmount: "{name} : −{amount}", offerTrial: "{name} : {n} jours offerts",
      forMonths: " pendant {n} mois",
      perk_digital_edition: "Édition numérique", perk_print_edition: "Édition papier livrée chez vous",
      perk_audio: "Chaque article en audio", perk_exclusive_content: "Contenus exclusifs",
      perk_archive: "Archives illimitées", perk_ad_free: "Sans publicité",
      loading: "Chargement…", error: "Une erreur s’est produite. Veuillez réessayer.",
      offline: "Le magazine est injoignable. Vérifiez votre connexion et réessayez.",
      alreadySubscribed: "Vous avez déjà un abonnement.", seeAccount: "Voir votre compte",
      verifyFirst: "Confirmez d’abord votre adresse e-mail : nous vous avons envoyé un lien.",
      resend: "Renvoyer le lien", resent: "Nous avons envoyé un nouveau lien.",
      addressFirst: "L’édition papier demande une adresse de livraison : ajoutez-la dans votre compte.",
      wallLogin: "Connectez-vous ou créez un compte gratuit pour lire la suite.",
      wallSubscribe: "Abonnez-vous pour lire la suite de cet article.",
      wallExpired: "Votre abonnement est terminé. Réabonnez-vous pour continuer la lecture.",
      wallPerk: "Votre formule n’inclut pas : {perk}.", upgrade: "Changer de formule",
      wallPastDue: "Votre dernier paiement n’est pas passé. Mettez à jour votre moyen de paiement pour continuer.",
      fixPayment: "Mettre à jour le paiement", haveSubscription: "Déjà abonné·e ?",
      listen: "Écouter cet article",
      verifying: "Confirmation de votre adresse…", verified: "Votre adresse e-mail est confirmée. Merci !", verifiedLogin: "Reconnectez-vous pour continuer.",
      verifyFailed: "Ce lien a expiré ou a déjà servi.",
      resetTitle: "Choisissez un nouveau mot de passe", resetSave: "Enregistrer le mot de passe",
      resetDone: "Votre mot de passe est changé. Vous pouvez vous connecter.",
      missingToken: "Cette page s’ouvre avec le lien de votre e-mail.",
      thanks: "Merci de votre abonnement !", giftThanks: "Merci pour votre cadeau ! Votre reçu arrive, et le destinataire recevra le cadeau par e-mail le jour choisi.", activating: "Activation de votre abonnement…",
      active: "Votre abonnement est actif.", continueReading: "Reprendre la lecture",
      notYet: "Votre paiement est en cours de confirmation. Cette page se met à jour seule ; vous pouvez aussi revenir plus tard.",
      canceledCheckout: "Vous avez quitté la page de paiement ; rien n’a été débité. Choisissez une formule quand vous voulez.",
      loginToSee: "Connectez-vous pour voir votre compte.",
      profile: "Profil", save: "Enregistrer", saved: "Enregistré.", address: "Adresse de livraison",
      line1: "Numéro et rue", line2: "Appartement, étage (facultatif)", city: "Ville",
      region: "Région (facultatif)", postalCode: "Code postal", country: "Code pays (ex. FR)",
      emailVerified: "Votre adresse e-mail est confirmée.", emailUnverified: "Votre adresse e-mail n’est pas encore confirmée.",
      changeEmail: "Changer d’e-mail", newEmail: "Nouvel e-mail", emailChangeSent: "Ouvrez le lien envoyé à {email} pour la confirmer.",
      changePassword: "Changer de mot de passe", passwordChanged: "Votre mot de passe est changé.",
      subscription: "Abonnement", noSubscription: "Vous n’avez pas d’abonnement.", seePlans: "Voir les formules",
      state_active: "Actif", state_canceling: "Résilié, accès jusqu’à la fin de la période", state_past_due: "Paiement en retard",
      state_comped: "Offert", state_gift: "Cadeau", state_trialing: "Essai gratuit", state_expired: "Terminé",
      state_refunded: "Remboursé", state_incomplete: "Incomplet", state_canceled: "Résilié",
      renewsOn: "Renouvellement le {date}", endsOn: "Se termine le {date}", compedUntil: "Offert jusqu’au {date}",
      cancel: "Résilier l’abonnement", cancelConfirm: "Résilier à la fin de la période ? Vous gardez l’accès jusqu’au {date}.",
      resume: "Reprendre l’abonnement", changePlan: "Changer de formule", plan: "Formule", applyChange: "Changer",
      planChanged: "Votre formule est changée.", planChangeScheduled: "Votre formule change le {date}.",
      billingPortal: "Moyen de paiement et factures",
      payments: "Paiements", noPayments: "Aucun paiement pour l’instant.", date: "Date", amount: "Montant", status: "État",
      kind_payment: "Paiement", kind_refund: "Remboursement", invoice: "Facture",
      refund: "Demander un remboursement", refundUntil: "Notre garantie « satisfait ou remboursé » court jusqu’au {date}.",
      refundReason: "Pourquoi souhaitez-vous être remboursé ?", refundSend: "Demander le remboursement",
      refundPending: "Vous avez demandé un remboursement le {date} ; nous répondrons par e-mail.",
      refundAnswered: "Demande de remboursement du {date} : {status}.",
      sessions: "Sessions", current: "cet appareil", lastUsed: "utilisée le {date}",
      logoutEverywhere: "Se déconnecter partout",
      deleteAccount: "Supprimer le compte", deleteWarning: "Votre compte sera supprimé, sans retour possible.",
      deleteConfirm: "Supprimer mon compte", deleted: "Votre compte est supprimé.",
      confirm: "Confirmer", keep: "Annuler",
      unsubscribeAsk: "Ne plus recevoir les nouveautés du magazine ?", unsubscribe: "Arrêter les nouveautés",
      unsubscribed: "C’est fait : vous ne recevrez plus les nouveautés.",
      giftFrom: "{from} vous offre {months} mois de {tier}.", giftUsed: "Ce cadeau a déjà été utilisé ou a pris fin.",
      giftLogin: "Connectez-vous ou créez un compte pour en profiter.", giftRedeem: "Utiliser le cadeau", giftRedeemed: "Le cadeau est à vous. Bonne lecture !",
      giftBought: "Votre cadeau de {months} mois à {email} ({amount}).", giftNotRefundable: "Ce cadeau ne peut plus être remboursé ici.",
      giftRefund: "Rembourser ce cadeau", giftRefunded: "Le cadeau est remboursé.",
    },
  };

  /** The language of `el`: its nearest `lang`, else the browser's. */
  function langOf(el) {
    const tag = (el?.closest?.("[lang]")?.lang || navigator.language || "en").toLowerCase();
    return STRINGS[tag.split("-")[0]] ? tag : "en";
  }
  /** The catalogue entry `key` in `lang`, `{name}`s filled from `vars`. */
  function t(lang, key, vars = {}) {
    const table = STRINGS[lang.split("-")[0]] || STRINGS.en;
    const text = table[key] ?? STRINGS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
  }
  const money = (lang, cents, currency) =>
    new Intl.NumberFormat(lang, { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
  const day = (lang, when) => new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(when));

  /* -------------------------------------------------------------------- DOM */

  let ids = 0;
  /** An element: props are attributes (`class`, `for`...), `on<event>`
   * listeners or `text`; children are nodes or strings. */
  function h(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "text") el.textContent = value;
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    el.append(...children.flat().filter((c) => c != null && c !== false));
    return el;
  }
  /** A labelled input (a visible <label for>), with an optional hint. */
  function field(lang, name, label, props = {}) {
    const id = `mh-${name}-${++ids}`;
    const hint = props.hint && h("p", { class: "mh-hint", id: `${id}-hint`, text: t(lang, props.hint) });
    const input = h(props.multiline ? "textarea" : "input", {
      id, name, type: props.multiline ? null : props.type || "text",
      autocomplete: props.autocomplete, required: props.required, value: props.value ?? null,
      minlength: props.minlength, maxlength: props.maxlength, "aria-describedby": hint ? hint.id : null,
    });
    return h("div", { class: "mh-field" }, h("label", { for: id, text: t(lang, label) }), input, hint);
  }
  const button = (text, onclick, cls = "mh-button") => h("button", { type: "button", class: cls, onclick, text });
  const message = (text, cls = "mh-note") => h("p", { class: cls, text });

  /** The text of a problem answer, for a person. */
  function problemText(lang, res) {
    if (res.status === 0) return t(lang, "offline");
    const body = res.data;
    if (body && typeof body === "object") {
      const fields = (body.errors || []).map((e) => e.message).filter(Boolean);
      return [body.detail || body.title, ...fields].filter(Boolean).join(" ") || t(lang, "error");
    }
    return t(lang, "error");
  }

  /** A form whose submit calls `submit(values)`; an answer `{error}` or a
   * thrown error shows in its alert region, `{done}` in its status line. */
  function form(lang, submit, label, ...children) {
    const alert = h("p", { class: "mh-error", role: "alert" });
    const status = h("p", { class: "mh-status", role: "status" });
    const send = h("button", { type: "submit", class: "mh-button mh-primary", text: label });
    const el = h("form", { class: "mh-form", novalidate: false }, ...children, alert, status, send);
    el.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.textContent = ""; status.textContent = "";
      send.disabled = true; el.setAttribute("aria-busy", "true");
      try {
        const outcome = (await submit(Object.fromEntries(new FormData(el)), el)) || {};
        if (outcome.error) alert.textContent = outcome.error;
        if (outcome.done) status.textContent = outcome.done;
      } catch (error) {
        alert.textContent = t(lang, "error");
        console.warn("masthead portal:", error);
      } finally {
        send.disabled = false; el.removeAttribute("aria-busy");
      }
    });
    return el;
  }

  /* ---------------------------------------------------------------- session */

  let accessToken = null;     // in memory only: a reload forgets it
  let refreshToken = null;    // only outside browser mode (no cookie), in memory too
  let timer = null;
  let me = null;              // GET /v1/me of the logged-in reader
  let starting = null;        // the first refresh of this page
  const MARK = "masthead.session";   // "1" while this browser holds a login (no secret)
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("masthead-portal") : null;

  const mark = (on) => { try { on ? localStorage.setItem(MARK, "1") : localStorage.removeItem(MARK); } catch { /* storage off */ } };
  const marked = () => { try { return localStorage.getItem(MARK) === "1"; } catch { return true; } };

  /** Calls the API: `{ok, status, data}`; never throws. An expired access
   * token is refreshed once and the call retried. */
  async function api(path, { method = "GET", body, auth = true, retry = true } = {}) {
    const headers = {};
    if (method !== "GET") headers["X-CSRF-Token"] = "1";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
    let res;
    try {
      res = await fetch(API + path, {
        method, headers, credentials: "include",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return { ok: false, status: 0, data: null };
    }
    if (res.status === 401 && auth && accessToken && retry && await refresh()) {
      return api(path, { method, body, auth, retry: false });
    }
    const text = await res.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { ok: res.ok, status: res.status, data: parsed };
  }

  /** Keeps a token answer and schedules the next refresh 30 s before
   * the access token expires. */
  function keep(tokens) {
    accessToken = tokens.access_token;
    if (tokens.refresh_token) refreshToken = tokens.refresh_token;
    mark(true);
    clearTimeout(timer);
    timer = setTimeout(refresh, Math.max(5, (tokens.expires_in || 900) - 30) * 1000);
  }

  let refreshing = null;
  /** Exchanges the refresh cookie for a new access token; tabs take turns
   * (a Web Lock), so two tabs never present one cookie at once. */
  function refresh() {
    if (refreshing) return refreshing;
    const run = async () => {
      const res = await api("/v1/auth/refresh", {
        method: "POST", auth: false, body: refreshToken ? { refresh_token: refreshToken } : undefined,
      });
      if (!res.ok) { forget(); return false; }
      keep(res.data);
      return true;
    };
    refreshing = (navigator.locks ? navigator.locks.request("masthead-refresh", run) : run())
      .finally(() => { refreshing = null; });
    return refreshing;
  }

  function forget() {
    accessToken = null; refreshToken = null; me = null;
    clearTimeout(timer);
    mark(false);
  }

  /** Reads the reader and tells every element. */
  async function loadMe() {
    const res = accessToken ? await api("/v1/me") : null;
    me = res && res.ok ? res.data : null;
    document.dispatchEvent(new CustomEvent("masthead:session", { detail: { reader: me } }));
    return me;
  }

  /** Resolves once the page knows whether a reader is logged in. */
  function ready() {
    if (!starting) starting = (async () => { if (marked()) await refresh(); await loadMe(); })();
    return starting;
  }

  async function loggedIn(tokens) {
    keep(tokens);
    await loadMe();
    channel?.postMessage("login");
  }

  async function logout() {
    await api("/v1/auth/logout", { method: "POST", auth: false, body: refreshToken ? { refresh_token: refreshToken } : undefined });
    forget();
    await loadMe();
    channel?.postMessage("logout");
  }

  channel?.addEventListener("message", async (event) => {
    if (event.data === "logout") { forget(); await loadMe(); }
    if (event.data === "login" && !accessToken) { if (await refresh()) await loadMe(); }
    if (event.data === "changed") await loadMe();
  });

  /* ---------------------------------------------------------------- dialogs */

  let dialog = null;
  let opener = null;
  let afterLogin = null;

  /** The one modal <dialog>: native modality makes the page behind inert
   * (the focus trap) and Escape closes it; closing returns focus. */
  function theDialog() {
    if (dialog) return dialog;
    dialog = h("dialog", { class: "mh-dialog mh-root", "aria-labelledby": "mh-dialog-title" });
    dialog.addEventListener("close", () => {
      // The close event is queued, not run at once: a dialog opened again
      // before it runs (Escape, then Enter on the opener) keeps its new
      // view and the opener it was opened from.
      if (dialog.open) return;
      dialog.replaceChildren();
      if (opener?.isConnected) opener.focus();
      opener = null;
    });
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    document.body.append(dialog);
    return dialog;
  }

  /** Opens the dialog at `view` (login, signup, forgot); `then` runs
   * after a login or signup. */
  function open(view, { lang = langOf(document.documentElement), then = null } = {}) {
    const d = theDialog();
    if (!d.open) opener = document.activeElement;
    if (then) afterLogin = then;
    d.lang = lang;
    d.replaceChildren(views[view](lang), button(t(lang, "close"), () => d.close(), "mh-close"));
    if (!d.open) d.showModal();
    d.querySelector("input, button")?.focus();
  }

  const heading = (text) => h("h2", { id: "mh-dialog-title", class: "mh-title", text });
  const link = (lang, key, view) => h("button", { type: "button", class: "mh-link", text: t(lang, key), onclick: () => open(view, { lang }) });

  async function finishLogin(tokens) {
    await loggedIn(tokens);
    const then = afterLogin;
    afterLogin = null;
    if (then) await then();
  }

  const views = {
    login: (lang) => h("div", {}, heading(t(lang, "loginTitle")),
      form(lang, async (v) => {
        const res = await api("/v1/auth/login", { method: "POST", auth: false, body: { email: v.email, password: v.password } });
        if (!res.ok) return { error: problemText(lang, res) };
        dialog.close();
        await finishLogin(res.data);
        return {};
      }, t(lang, "login"),
      field(lang, "email", "email", { type: "email", autocomplete: "email", required: true }),
      field(lang, "password", "password", { type: "password", autocomplete: "current-password", required: true })),
      h("p", { class: "mh-links" }, link(lang, "forgot", "forgot"), link(lang, "noAccount", "signup"))),

    signup: (lang) => h("div", {}, heading(t(lang, "signupTitle")),
      form(lang, async (v) => {
        const res = await api("/v1/auth/signup", { method: "POST", auth: false, body: { name: v.name, email: v.email, password: v.password } });
        if (!res.ok) return { error: problemText(lang, res) };
        await loggedIn(res.data);
        const d = theDialog();
        d.replaceChildren(heading(t(lang, "signupTitle")), message(t(lang, "signedUp", { email: v.email }), "mh-success"),
          button(t(lang, "continue"), async () => { d.close(); const then = afterLogin; afterLogin = null; if (then) await then(); }, "mh-button mh-primary"));
        d.querySelector("button")?.focus();
        return {};
      }, t(lang, "signup"),
      field(lang, "name", "name", { autocomplete: "name", required: true }),
      field(lang, "email", "email", { type: "email", autocomplete: "email", required: true }),
      field(lang, "password", "password", { type: "password", autocomplete: "new-password", required: true, minlength: 10, hint: "passwordHint" })),
      h("p", { class: "mh-links" }, link(lang, "haveAccount", "login"))),

    forgot: (lang) => h("div", {}, heading(t(lang, "forgotTitle")),
      form(lang, async (v) => {
        const res = await api("/v1/auth/password-reset", { method: "POST", auth: false, body: { email: v.email } });
        if (!res.ok) return { error: problemText(lang, res) };
        return { done: t(lang, "forgotSent", { email: v.email }) };
      }, t(lang, "forgotSend"),
      field(lang, "email", "email", { type: "email", autocomplete: "email", required: true })),
      h("p", { class: "mh-links" }, link(lang, "haveAccount", "login"))),
  };

  document.addEventListener("click", (event) => {
    const trigger = event.target.closest?.("[data-masthead]");
    if (!trigger) return;
    const action = trigger.dataset.masthead;
    if (action === "logout") { event.preventDefault(); logout(); }
    else if (views[action]) { event.preventDefault(); open(action, { lang: langOf(trigger) }); }
  });

  /* --------------------------------------------------------------- elements */

  /** Base of every element: knows its language, re-renders on a login or
   * logout, and wears the `mh-root` class the stylesheet scopes to. */
  class Element extends HTMLElement {
    connectedCallback() {
      this.classList.add("mh-root");
      // An element that announced a change itself (a saved profile) keeps
      // its own confirmation rather than redrawing over it.
      this.onSession = (event) => { if (event.detail?.from !== this) this.render(); };
      document.addEventListener("masthead:session", this.onSession);
      ready().then(() => this.render());
    }
    disconnectedCallback() { document.removeEventListener("masthead:session", this.onSession); }
    get lang_() { return langOf(this); }
    t(key, vars) { return t(this.lang_, key, vars); }
    show(...nodes) { this.replaceChildren(...nodes); }
  }

  /** Log in / sign up, or the reader's name, account link and log out. */
  class Status extends Element {
    render() {
      const nav = me
        ? [h("span", { class: "mh-who", text: this.t("hello", { name: me.name }) }),
          h("a", { class: "mh-link", href: CONFIG.account, text: this.t("account") }),
          button(this.t("logout"), () => logout(), "mh-link")]
        : [button(this.t("login"), () => open("login", { lang: this.lang_ }), "mh-link"),
          button(this.t("signup"), () => open("signup", { lang: this.lang_ }), "mh-button mh-primary")];
      this.show(h("div", { class: "mh-status-bar" }, nav));
    }
  }

  let plans = null;
  const loadPlans = () => (plans ||= api("/v1/plans", { auth: false }).then((res) => (res.ok ? res.data.tiers : Promise.reject(res))));

  /** Starts a checkout and follows its URL (the provider's page, a
   * full-page navigation); a visitor is asked to sign up first. */
  async function checkout(lang, { tier, interval, currency, offer, article }) {
    if (!accessToken) {
      open("signup", { lang, then: () => checkout(lang, { tier, interval, currency, offer, article }) });
      return null;
    }
    const body = { tier, interval, currency: currency || undefined, offer_code: offer || undefined };
    if (article) body[CHECKOUT_ARTICLE_FIELD] = article;
    const res = await api("/v1/billing/checkout", { method: "POST", body });
    const code = res.data?.code;
    if (res.ok || code === "checkout_open") {
      try { sessionStorage.setItem("masthead.return", location.href); } catch { /* storage off */ }
      location.assign(res.data.url);
      return null;
    }
    if (code === "already_subscribed") return { text: t(lang, "alreadySubscribed"), link: CONFIG.account, linkText: t(lang, "seeAccount") };
    if (code === "email_not_verified") return { text: t(lang, "verifyFirst"), resend: true };
    if (code === "shipping_address_required") return { text: t(lang, "addressFirst"), link: CONFIG.account, linkText: t(lang, "seeAccount") };
    return { text: problemText(lang, res) };
  }

  /** An offer's terms, in words. */
  function offerText(lang, offer) {
    const months = offer.duration_months ? t(lang, "forMonths", { n: offer.duration_months }) : "";
    if (offer.percent_off) return t(lang, "offerPercent", { name: offer.name, n: offer.percent_off }) + months;
    if (offer.amount_off && offer.currency) return t(lang, "offerAmount", { name: offer.name, amount: money(lang, offer.amount_off, offer.currency) }) + months;
    if (offer.trial_days) return t(lang, "offerTrial", { name: offer.name, n: offer.trial_days });
    return offer.name;
  }

  /** The subscribe box: the tiers of /v1/plans with their perks, a
   * monthly/yearly switch, prices in `currency`, offers and trials.
   * Attributes: currency, interval (month|year), offer (a code),
   * article (the slug whose wall shows it), issues-per-year. */
  class Subscribe extends Element {
    async render() {
      if (this.rendering) return;
      this.rendering = true;
      try { await this.draw(); } finally { this.rendering = false; }
    }
    async draw() {
      const lang = this.lang_;
      if (!this.tiers) {
        if (!this.childElementCount) this.show(message(this.t("loading")));
        try { this.tiers = await loadPlans(); } catch (res) { this.show(message(problemText(lang, res || {}), "mh-error")); return; }
      }
      this.interval ||= this.getAttribute("interval") === "year" ? "year" : "month";
      const wanted = (this.getAttribute("currency") || "").toLowerCase();
      const name = `mh-interval-${this.id || ++ids}`;
      const switcher = h("fieldset", { class: "mh-switch" }, h("legend", { text: this.t("billing") }),
        ["month", "year"].map((interval) => {
          const id = `${name}-${interval}`;
          return h("span", { class: "mh-choice" },
            h("input", { type: "radio", id, name, value: interval, checked: this.interval === interval, onchange: () => { this.interval = interval; this.draw(); } }),
            h("label", { for: id, text: this.t(interval === "month" ? "monthly" : "yearly") }));
        }));
      const outcome = h("div", { class: "mh-outcome", role: "status" });
      const issues = Number(this.getAttribute("issues-per-year") || 24);
      const cards = this.tiers.map((tier) => {
        const inInterval = tier.prices.filter((p) => p.interval === this.interval);
        const price = inInterval.find((p) => p.currency === wanted) || inInterval[0];
        if (!price) return null;
        const perks = tier.perks.map((perk) => {
          const label = this.t(`perk_${perk.name}`);
          return perk.status === "live"
            ? h("li", { class: "mh-perk", text: label })
            : h("li", { class: "mh-perk mh-soon", text: this.t("comingSoon", { perk: label }) });
        });
        const offer = this.getAttribute("offer") || null;
        const cta = h("button", {
          type: "button", class: "mh-button mh-primary",
          "aria-label": this.t("subscribeTo", { tier: tier.name, interval: this.t(this.interval === "month" ? "monthly" : "yearly") }),
          text: this.t("subscribe"),
          onclick: async (event) => {
            const pressed = event.currentTarget;
            pressed.disabled = true;
            const answer = await checkout(lang, { tier: tier.id, interval: this.interval, currency: price.currency, offer, article: this.getAttribute("article") });
            pressed.disabled = false;
            if (answer) this.explain(outcome, answer);
          },
        });
        return h("li", { class: "mh-tier" },
          h("h3", { class: "mh-tier-name", text: tier.name }),
          h("p", { class: "mh-price", text: this.t(this.interval === "month" ? "perMonth" : "perYear", { price: money(lang, price.amount_cents, price.currency) }) }),
          price.trial_days ? h("p", { class: "mh-trial", text: this.t("trial", { n: price.trial_days }) }) : null,
          tier.offers.map((o) => h("p", { class: "mh-offer", text: offerText(lang, o) })),
          h("p", { class: "mh-description", text: tier.description }),
          h("ul", { class: "mh-perks" }, h("li", { class: "mh-perk", text: this.t("issues", { n: issues }) }), perks,
            h("li", { class: "mh-perk", text: this.t("guarantee", { n: CONFIG.guaranteeDays }) }),
            h("li", { class: "mh-perk", text: this.t("cancelAnytime") })),
          cta);
      });
      const focused = this.contains(document.activeElement) ? document.activeElement.id : null;
      this.show(h("div", { class: "mh-subscribe" }, switcher, h("ul", { class: "mh-tiers" }, cards), outcome));
      if (focused) document.getElementById(focused)?.focus();
    }
    explain(outcome, answer) {
      outcome.replaceChildren(message(answer.text, "mh-error"),
        answer.link ? h("a", { class: "mh-link", href: answer.link, text: answer.linkText }) : null,
        answer.resend ? resendButton(this.lang_) : null);
    }
  }

  function resendButton(lang) {
    const b = button(t(lang, "resend"), async () => {
      b.disabled = true;
      const res = await api("/v1/auth/verify-email/resend", { method: "POST" });
      b.replaceWith(message(res.ok ? t(lang, "resent") : problemText(lang, res), res.ok ? "mh-success" : "mh-error"));
    });
    return b;
  }

  /** The paywall: `article` (a slug) and the teaser as its children. The
   * full text replaces the teaser when the gate allows, with an audio
   * player for entitled readers; else the gate's reason as the call to
   * action. Attribute `gift` (or `?gift=` in the page's URL) passes a gift link. */
  class Paywall extends Element {
    connectedCallback() {
      this.teaser ||= [...this.childNodes];
      super.connectedCallback();
    }
    async render() {
      const slug = this.getAttribute("article");
      if (!slug) return;
      const gift = this.getAttribute("gift") || new URLSearchParams(location.search).get("gift");
      const res = await api(`/v1/articles/${encodeURIComponent(slug)}${gift ? `?gift=${encodeURIComponent(gift)}` : ""}`);
      if (!res.ok) { this.show(...this.teaser, message(problemText(this.lang_, res), "mh-error")); return; }
      const article = res.data;
      if (article.access?.granted && !article.is_teaser) return this.full(article);
      this.show(...this.teaser, this.wall(article));
    }
    async full(article) {
      const paragraphs = String(article.body || "").split(/\n{2,}/).filter(Boolean).map((p) => h("p", { text: p }));
      const text = h("div", { class: "mh-article-body" }, paragraphs);
      let audio = null;
      if (article.audio_duration_seconds && accessToken && me?.entitlements?.granted?.includes("audio")) {
        const res = await api(`/v1/articles/${encodeURIComponent(article.slug)}/audio`);
        if (res.ok) {
          audio = h("figure", { class: "mh-audio" }, h("figcaption", { text: this.t("listen") }),
            h("audio", { controls: true, preload: "metadata", src: res.data.url, "aria-label": this.t("listen") }));
        }
      }
      this.show(audio, text);
      this.dispatchEvent(new CustomEvent("masthead:unlocked", { bubbles: true, detail: { slug: article.slug } }));
    }
    wall(article) {
      const lang = this.lang_;
      const reason = article.access?.reason || (accessToken ? "subscription_required" : "login_required");
      const box = h("section", { class: "mh-wall", "aria-label": this.t("subscribe") });
      const subscribe = () => {
        const s = h("masthead-subscribe", { article: article.slug });
        for (const name of ["currency", "interval", "offer"]) if (this.hasAttribute(name)) s.setAttribute(name, this.getAttribute(name));
        return s;
      };
      if (reason === "login_required" && article.visibility === "registered") {
        box.append(message(this.t("wallLogin"), "mh-lead"), h("p", { class: "mh-actions" },
          button(this.t("signup"), () => open("signup", { lang }), "mh-button mh-primary"),
          button(this.t("login"), () => open("login", { lang }))));
      } else if (reason === "login_required" || reason === "subscription_required" || reason === "subscription_expired") {
        box.append(message(this.t(reason === "subscription_expired" ? "wallExpired" : "wallSubscribe"), "mh-lead"), subscribe());
        if (!accessToken) box.append(h("p", { class: "mh-actions" }, this.t("haveSubscription"), " ", button(this.t("login"), () => open("login", { lang }), "mh-link")));
      } else if (reason === "perk_required") {
        const perk = this.t(`perk_${article.access.perk}`);
        box.append(message(this.t("wallPerk", { perk }), "mh-lead"), h("a", { class: "mh-button mh-primary", href: CONFIG.account, text: this.t("upgrade") }));
      } else if (reason === "payment_past_due") {
        box.append(message(this.t("wallPastDue"), "mh-lead"), portalButton(lang, "fixPayment"));
      } else {
        box.append(message(this.t("wallSubscribe"), "mh-lead"), subscribe());
      }
      return box;
    }
  }

  function portalButton(lang, key) {
    const alert = h("span", { class: "mh-error", role: "alert" });
    const b = button(t(lang, key), async () => {
      b.disabled = true;
      const res = await api("/v1/billing/portal", { method: "POST" });
      if (res.ok) location.assign(res.data.url);
      else { alert.textContent = problemText(lang, res); b.disabled = false; }
    }, "mh-button mh-primary");
    return h("span", {}, b, alert);
  }

  const token = () => new URLSearchParams(location.search).get("token");

  /** The email-verification page (`?token=`). */
  class VerifyEmail extends Element {
    async render() {
      if (this.done) return;
      this.done = true;
      const value = token();
      if (!value) return this.show(message(this.t("missingToken"), "mh-error"));
      this.show(message(this.t("verifying"), "mh-note"));
      const res = await api("/v1/auth/verify-email", { method: "POST", auth: false, body: { token: value } });
      this.show(h("div", { role: "status" }, message(this.t(res.ok ? "verified" : "verifyFailed"), res.ok ? "mh-success" : "mh-error")));
      if (!res.ok) return;
      // The first verification ends every session (whoever signed up with
      // someone else's address loses it): log in again, in every tab.
      forget();
      channel?.postMessage("logout");
      await loadMe();
      this.append(message(this.t("verifiedLogin")), button(this.t("login"), () => open("login", { lang: this.lang_ }), "mh-button mh-primary"));
    }
  }

  /** The password-reset page (`?token=`). */
  class ResetPassword extends Element {
    render() {
      if (this.childElementCount) return;
      const lang = this.lang_;
      const value = token();
      if (!value) return this.show(message(this.t("missingToken"), "mh-error"));
      this.show(h("h2", { class: "mh-title", text: this.t("resetTitle") }), form(lang, async (v) => {
        const res = await api("/v1/auth/password-reset/confirm", { method: "POST", auth: false, body: { token: value, new_password: v.new_password } });
        if (!res.ok) return { error: problemText(lang, res) };
        this.show(message(this.t("resetDone"), "mh-success"), button(this.t("login"), () => open("login", { lang }), "mh-button mh-primary"));
        return {};
      }, this.t("resetSave"), field(lang, "new_password", "newPassword", { type: "password", autocomplete: "new-password", required: true, minlength: 10, hint: "passwordHint" })));
    }
  }

  const GRANTING = ["active", "trialing", "canceling", "comped", "gift"];

  /** The checkout success page: waits for the provider's report to
   * activate the subscription (it is asynchronous). */
  class CheckoutSuccess extends Element {
    async render() {
      const lang = this.lang_;
      // A gift's payment returns here too (`?gift_id=`): nothing of the
      // buyer's own to activate, whether or not they are logged in.
      if (new URLSearchParams(location.search).has("gift_id")) return this.show(message(this.t("giftThanks"), "mh-success"));
      if (!me) return this.show(message(this.t("thanks"), "mh-lead"), message(this.t("loginToSee")), button(this.t("login"), () => open("login", { lang }), "mh-button mh-primary"));
      if (this.polling) return;
      this.polling = true;
      const status = h("div", { role: "status" }, message(this.t("activating")));
      this.show(message(this.t("thanks"), "mh-lead"), status);
      for (let i = 0; i < 30; i++) {
        const res = await api("/v1/me/subscription");
        if (res.ok && res.data?.subscription && GRANTING.includes(res.data.subscription.state)) {
          let back = null;
          try { back = sessionStorage.getItem("masthead.return"); sessionStorage.removeItem("masthead.return"); } catch { /* storage off */ }
          status.replaceChildren(message(this.t("active"), "mh-success"),
            h("p", { class: "mh-actions" }, back ? h("a", { class: "mh-button mh-primary", href: back, text: this.t("continueReading") }) : null,
              h("a", { class: "mh-link", href: CONFIG.account, text: this.t("seeAccount") })));
          channel?.postMessage("changed");
          this.polling = false;
          return;
        }
        if (i === 5) status.replaceChildren(message(this.t("notYet")));
        await new Promise((r) => setTimeout(r, 1000 + i * 200));
      }
      this.polling = false;
    }
  }

  /** The checkout-canceled page: the plans again. */
  class CheckoutCanceled extends Element {
    render() {
      if (this.childElementCount) return;
      const box = h("masthead-subscribe");
      for (const name of ["currency", "interval"]) if (this.hasAttribute(name)) box.setAttribute(name, this.getAttribute(name));
      this.show(message(this.t("canceledCheckout"), "mh-lead"), box);
    }
  }

  /** The account page: profile and address, email and password, the
   * subscription, payments and refunds, sessions, deleting the account. */
  class Account extends Element {
    async render() {
      const lang = this.lang_;
      if (!me && this.goodbye) return this.show(this.goodbye);
      if (!me) {
        this.show(message(this.t("loginToSee")), button(this.t("login"), () => open("login", { lang }), "mh-button mh-primary"));
        return;
      }
      if (this.drawing) return;
      this.goodbye = null;
      this.drawing = true;
      try {
        const [sub, payments, requests, sessions, tiers] = await Promise.all([
          api("/v1/me/subscription"), api("/v1/me/payments"), api("/v1/me/refund-requests"), api("/v1/me/sessions"),
          loadPlans().catch(() => []),
        ]);
        if (!me) return;
        const focused = this.contains(document.activeElement) ? document.activeElement.id : null;
        this.show(this.profile(lang), this.subscription(lang, sub.data?.subscription, tiers),
          this.payments(lang, payments.ok ? payments.data.items : [], requests.ok ? requests.data.items : [], sub.data?.subscription),
          this.emailAndPassword(lang), this.sessions(lang, sessions.ok ? sessions.data.items : []), this.danger(lang));
        if (focused) document.getElementById(focused)?.focus();
      } finally {
        this.drawing = false;
      }
    }
    section(key, ...children) {
      const id = `mh-section-${key}-${++ids}`;
      return h("section", { class: "mh-section", "aria-labelledby": id }, h("h2", { id, class: "mh-title", text: this.t(key) }), ...children);
    }
    async changed() { channel?.postMessage("changed"); await loadMe(); }
    profile(lang) {
      const a = me.shipping_address || {};
      return this.section("profile",
        message(this.t(me.email_verified ? "emailVerified" : "emailUnverified")), me.email_verified ? null : resendButton(lang),
        h("p", { class: "mh-email", text: me.email }),
        form(lang, async (v) => {
          const address = v.line1 || v.city || v.postal_code || v.country
            ? { line1: v.line1, line2: v.line2 || null, city: v.city, region: v.region || null, postal_code: v.postal_code, country: v.country.toUpperCase() }
            : null;
          const res = await api("/v1/me", { method: "PATCH", body: { name: v.name, shipping_address: address } });
          if (!res.ok) return { error: problemText(lang, res) };
          me = { ...me, ...res.data };
          channel?.postMessage("changed");
          // This page's other elements (the header's name) follow too.
          document.dispatchEvent(new CustomEvent("masthead:session", { detail: { reader: me, from: this } }));
          return { done: this.t("saved") };
        }, this.t("save"),
        field(lang, "name", "name", { autocomplete: "name", required: true, value: me.name }),
        h("fieldset", { class: "mh-address" }, h("legend", { text: this.t("address") }),
          field(lang, "line1", "line1", { autocomplete: "address-line1", value: a.line1 }),
          field(lang, "line2", "line2", { autocomplete: "address-line2", value: a.line2 }),
          field(lang, "city", "city", { autocomplete: "address-level2", value: a.city }),
          field(lang, "region", "region", { autocomplete: "address-level1", value: a.region }),
          field(lang, "postal_code", "postalCode", { autocomplete: "postal-code", value: a.postal_code }),
          field(lang, "country", "country", { autocomplete: "country", value: a.country, maxlength: 2 }))));
    }
    emailAndPassword(lang) {
      return h("div", { class: "mh-pair" },
        this.section("changeEmail", form(lang, async (v, el) => {
          const res = await api("/v1/me/email", { method: "POST", body: { new_email: v.new_email, current_password: v.current_password } });
          if (!res.ok) return { error: problemText(lang, res) };
          el.reset();
          return { done: this.t("emailChangeSent", { email: v.new_email }) };
        }, this.t("changeEmail"),
        field(lang, "new_email", "newEmail", { type: "email", autocomplete: "email", required: true }),
        field(lang, "current_password", "currentPassword", { type: "password", autocomplete: "current-password", required: true }))),
        this.section("changePassword", form(lang, async (v, el) => {
          const res = await api("/v1/me/password", { method: "POST", body: { current_password: v.current_password, new_password: v.new_password } });
          if (!res.ok) return { error: problemText(lang, res) };
          if (res.data?.access_token) keep(res.data);
          el.reset();
          return { done: this.t("passwordChanged") };
        }, this.t("changePassword"),
        field(lang, "current_password", "currentPassword", { type: "password", autocomplete: "current-password", required: true }),
        field(lang, "new_password", "newPassword", { type: "password", autocomplete: "new-password", required: true, minlength: 10, hint: "passwordHint" }))));
    }
    subscription(lang, s, tiers) {
      if (!s) return this.section("subscription", message(this.t("noSubscription")), h("a", { class: "mh-button mh-primary", href: CONFIG.subscribe, text: this.t("seePlans") }));
      const tier = tiers.find((x) => x.id === s.tier);
      const when = s.current_period_end && day(lang, s.current_period_end);
      const lines = [h("p", { class: "mh-plan" }, h("strong", { text: tier ? tier.name : s.tier }), ` · ${this.t(s.billing_interval === "year" ? "yearly" : "monthly")} · `,
        h("span", { class: `mh-badge mh-state-${s.state}`, text: this.t(`state_${s.state}`) }))];
      if (s.state === "comped" && s.comped_until) lines.push(message(this.t("compedUntil", { date: day(lang, s.comped_until) })));
      else if (when && (s.state === "canceling" || s.cancel_at_period_end)) lines.push(message(this.t("endsOn", { date: when })));
      else if (when && (s.state === "active" || s.state === "trialing" || s.state === "past_due")) lines.push(message(this.t("renewsOn", { date: when })));
      const alert = h("p", { class: "mh-error", role: "alert" });
      const act = (key, path, body, cls) => button(this.t(key), async (event) => {
        const pressed = event.currentTarget;
        pressed.disabled = true;
        const res = await api(path, { method: "POST", body });
        if (!res.ok) { alert.textContent = problemText(lang, res); pressed.disabled = false; return; }
        await this.changed();
      }, cls);
      const actions = h("p", { class: "mh-actions" });
      if (s.state === "active" && !s.cancel_at_period_end) {
        const ask = button(this.t("cancel"), () => {
          ask.replaceWith(h("span", { class: "mh-confirm", role: "group" }, message(this.t("cancelConfirm", { date: when })),
            act("confirm", "/v1/me/subscription/cancel", {}, "mh-button mh-danger"), button(this.t("keep"), () => this.render())));
        });
        actions.append(ask);
      }
      if (s.state === "canceling" || s.cancel_at_period_end) actions.append(act("resume", "/v1/me/subscription/resume", {}, "mh-button mh-primary"));
      if (["active", "canceling", "past_due", "trialing"].includes(s.state)) actions.append(portalButton(lang, "billingPortal"));
      const parts = [...lines, actions, alert];
      if (s.state === "active" && tiers.length) {
        const choices = tiers.flatMap((x) => x.prices.filter((p, i, all) => all.findIndex((q) => q.interval === p.interval) === i)
          .map((p) => ({ value: `${x.id}:${p.interval}`, text: `${x.name} · ${this.t(p.interval === "year" ? "yearly" : "monthly")} · ${money(lang, p.amount_cents, p.currency)}` })));
        const id = `mh-plan-${++ids}`;
        parts.push(h("details", { class: "mh-change" }, h("summary", { text: this.t("changePlan") }), form(lang, async (v) => {
          const [tierId, interval] = v.plan.split(":");
          const res = await api("/v1/me/subscription/change", { method: "POST", body: { tier: tierId, interval } });
          if (!res.ok) return { error: problemText(lang, res) };
          const change = res.data.change;
          const done = change?.status === "applied" ? this.t("planChanged") : this.t("planChangeScheduled", { date: day(lang, change.effective_at) });
          setTimeout(() => this.changed(), 1500);
          return { done };
        }, this.t("applyChange"), h("div", { class: "mh-field" }, h("label", { for: id, text: this.t("plan") }),
          h("select", { id, name: "plan" }, choices.map((c) => h("option", { value: c.value, selected: c.value === `${s.tier}:${s.billing_interval}`, text: c.text })))))));
      }
      return this.section("subscription", ...parts);
    }
    payments(lang, list, requests, s) {
      const rows = list.map((p) => h("tr", {},
        h("td", { text: day(lang, p.at) }), h("td", { text: money(lang, p.amount_cents, p.currency) }),
        h("td", { text: `${this.t(`kind_${p.kind}`)} · ${p.status}` }),
        h("td", {}, p.invoice_url ? h("a", { href: p.invoice_url, class: "mh-link", text: this.t("invoice") }) : "")));
      const table = list.length
        ? h("table", { class: "mh-table" }, h("thead", {}, h("tr", {}, ["date", "amount", "status", "invoice"].map((k) => h("th", { scope: "col", text: this.t(k) })))), h("tbody", {}, rows))
        : message(this.t("noPayments"));
      const parts = [table];
      const mine = requests.filter((r) => !s || r.subscription_id === s.id);
      for (const r of mine) {
        parts.push(message(r.status === "pending" ? this.t("refundPending", { date: day(lang, r.created_at) })
          : this.t("refundAnswered", { date: day(lang, r.created_at), status: r.status })));
      }
      // The API applies the guarantee's rule (first payment, window, state,
      // no request pending): the page only shows its answer.
      if (s?.refund_requestable && s.guarantee_ends_at) {
        parts.push(h("details", { class: "mh-refund" }, h("summary", { text: this.t("refund") }),
          message(this.t("refundUntil", { date: day(lang, s.guarantee_ends_at) })),
          form(lang, async (v) => {
            const res = await api("/v1/me/subscription/refund-request", { method: "POST", body: { reason: v.reason } });
            if (!res.ok) return { error: problemText(lang, res) };
            setTimeout(() => this.render(), 1500);
            return { done: this.t("refundPending", { date: day(lang, res.data.created_at) }) };
          }, this.t("refundSend"), field(lang, "reason", "refundReason", { multiline: true, required: true, maxlength: 1000 }))));
      }
      return this.section("payments", ...parts);
    }
    sessions(lang, items) {
      return this.section("sessions",
        h("ul", { class: "mh-sessions" }, items.map((s) => h("li", {},
          h("span", { text: s.user_agent || "?" }), " · ", h("span", { text: this.t("lastUsed", { date: day(lang, s.last_used_at) }) }),
          s.current ? h("strong", { text: ` · ${this.t("current")}` }) : null))),
        button(this.t("logoutEverywhere"), async () => {
          await api("/v1/me/sessions", { method: "DELETE" });
          forget(); await loadMe(); channel?.postMessage("logout");
        }));
    }
    danger(lang) {
      return h("details", { class: "mh-section mh-danger-zone" }, h("summary", { text: this.t("deleteAccount") }),
        message(this.t("deleteWarning")),
        form(lang, async (v) => {
          const res = await api("/v1/me", { method: "DELETE", body: { password: v.password } });
          if (!res.ok) return { error: problemText(lang, res) };
          forget(); channel?.postMessage("logout");
          this.goodbye = message(this.t("deleted"), "mh-success");
          this.show(this.goodbye);
          document.dispatchEvent(new CustomEvent("masthead:session", { detail: { reader: null } }));
          return {};
        }, this.t("deleteConfirm"), field(lang, "password", "password", { type: "password", autocomplete: "current-password", required: true })));
    }
  }

  /** The unsubscribe page (`?token=`): a button, never a post on load
   * (link scanners open every link in an email). */
  class Unsubscribe extends Element {
    render() {
      if (this.childElementCount) return;
      const value = token();
      if (!value) return this.show(message(this.t("missingToken"), "mh-error"));
      const status = h("div", { role: "status" });
      const stop = button(this.t("unsubscribe"), async () => {
        stop.disabled = true;
        let ok = false;
        try {
          const res = await fetch(`${API}/v1/email/unsubscribe?token=${encodeURIComponent(value)}`, {
            method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click",
          });
          ok = res.ok;
        } catch { /* offline */ }
        if (ok) stop.remove();
        else stop.disabled = false;
        status.replaceChildren(message(this.t(ok ? "unsubscribed" : "error"), ok ? "mh-success" : "mh-error"));
      }, "mh-button mh-primary");
      this.show(message(this.t("unsubscribeAsk")), stop, status);
    }
  }

  /** The gift-redemption page (`?token=`): the gift, then a login or
   * signup, then redeeming it. */
  class GiftRedeem extends Element {
    async render() {
      const lang = this.lang_;
      const value = token();
      if (!value) return this.show(message(this.t("missingToken"), "mh-error"));
      this.gift ||= await api(`/v1/gifts/${encodeURIComponent(value)}`, { auth: false });
      if (!this.gift.ok) return this.show(message(problemText(lang, this.gift), "mh-error"));
      const g = this.gift.data;
      const about = [message(this.t("giftFrom", { from: g.from, months: g.months, tier: g.tier_name }), "mh-lead"),
        g.message ? h("blockquote", { class: "mh-gift-message", text: g.message }) : null];
      if (!g.redeemable) return this.show(...about, message(this.t("giftUsed")));
      if (!me) {
        return this.show(...about, message(this.t("giftLogin")), h("p", { class: "mh-actions" },
          button(this.t("signup"), () => open("signup", { lang }), "mh-button mh-primary"), button(this.t("login"), () => open("login", { lang }))));
      }
      const status = h("div", { role: "status" });
      const take = button(this.t("giftRedeem"), async () => {
        take.disabled = true;
        const res = await api(`/v1/gifts/${encodeURIComponent(value)}/redeem`, { method: "POST" });
        if (res.ok) { take.remove(); channel?.postMessage("changed"); }
        else take.disabled = false;
        status.replaceChildren(res.ok ? message(this.t("giftRedeemed"), "mh-success") : message(problemText(lang, res), "mh-error"),
          res.ok ? h("a", { class: "mh-link", href: CONFIG.account, text: this.t("seeAccount") }) : null);
      }, "mh-button mh-primary");
      this.show(...about, take, status);
    }
  }

  /** The gift-refund page (`?token=`): the gift, then a button. */
  class GiftRefund extends Element {
    async render() {
      if (this.childElementCount) return;
      const lang = this.lang_;
      const value = token();
      if (!value) return this.show(message(this.t("missingToken"), "mh-error"));
      const res = await api(`/v1/gifts/refunds/${encodeURIComponent(value)}`, { auth: false });
      if (!res.ok) return this.show(message(problemText(lang, res), "mh-error"));
      const g = res.data;
      const about = message(this.t("giftBought", { months: g.months, email: g.recipient_email, amount: money(lang, g.amount_cents, g.currency) }), "mh-lead");
      if (!g.refundable) return this.show(about, message(this.t("giftNotRefundable")));
      const status = h("div", { role: "status" });
      const refund = button(this.t("giftRefund"), async () => {
        refund.disabled = true;
        const done = await api(`/v1/gifts/refunds/${encodeURIComponent(value)}`, { method: "POST", auth: false });
        if (done.ok) refund.remove();
        else refund.disabled = false;
        status.replaceChildren(message(done.ok ? this.t("giftRefunded") : problemText(lang, done), done.ok ? "mh-success" : "mh-error"));
      }, "mh-button mh-danger");
      this.show(about, g.guarantee_ends_at ? message(this.t("refundUntil", { date: day(lang, g.guarantee_ends_at) })) : null, refund, status);
    }
  }

  const elements = {
    "masthead-status": Status, "masthead-subscribe": Subscribe, "masthead-paywall": Paywall,
    "masthead-account": Account, "masthead-verify-email": VerifyEmail, "masthead-reset-password": ResetPassword,
    "masthead-checkout-success": CheckoutSuccess, "masthead-checkout-canceled": CheckoutCanceled,
    "masthead-unsubscribe": Unsubscribe, "masthead-gift-redeem": GiftRedeem, "masthead-gift-refund": GiftRefund,
  };
  for (const [name, cls] of Object.entries(elements)) customElements.define(name, cls);

  /** For the site's own scripts: the session, the dialogs, the catalogue. */
  window.Masthead = Object.freeze({
    api, ready, logout, open, strings: STRINGS,
    get reader() { return me; },
    refresh: () => refresh().then(async (ok) => { await loadMe(); return ok; }),
  });
})();
