package main

import (
	"fmt"
	"strings"
)

// failure is one way a plan can fail or warn. The rows below are the one source of DESIGN.md's
// failure table (for developers: retried or not, and the tests that prove it) and of the
// troubleshooting guide's (for users: what they see and what to do), so the two cannot drift.
type failure struct {
	fault   string   // the bad input or fault, as a user would name it
	retried string   // whether the client asks again
	summary string   // the diagnostic's summary; … is the read's "Could not read …"
	detail  string   // what the detail says
	todo    string   // what the user should do
	tests   []string // the tests that prove the row
}

const noRequest = "no request is sent"

var failures = []failure{
	{"`start_date`/`end_date` not `YYYY-MM-DD`/`YYYYMMDD`, or not a real day (2023-02-30)", noRequest, "`Invalid date`",
		"the attribute, the value, the accepted forms", "Write the date as `2024-03-01` or `20240301`.",
		[]string{"TestBillingDetailsRefusesBadPeriods"}},
	{"`end_date` before `start_date`", noRequest, "`Invalid billing period`", "both dates; the period is inclusive",
		"Swap the dates; a one-day period has the same start and end.",
		[]string{"TestBillingDetailsRefusesBadPeriods", "TestReadRefusesABadPeriodOnTheAttributeAtFault"}},
	{"a period longer than 366 days (a leap year)", noRequest, "`Invalid billing period`", "the period, its length in days and the limit",
		"Read each year in a data source of its own; `totals_by_month` breaks a year down.",
		[]string{"TestBillingDetailsRefusesBadPeriods", "TestNewPeriodTakesUpToALeapYear"}},
	{"an empty filter (`product_details = []`)", noRequest, "`Empty filter`", "an empty set would keep no record",
		"Leave the filter out to keep every record, or name what to keep.", []string{"TestBillingDetailsRefusesAnEmptyFilter"}},
	{"a budget's negative `amount`, `product_amounts` value or threshold `percent`, or a `basis`, `action` or `daily_limit_action` it does not know",
		noRequest, "`Invalid budget amount`, `Invalid threshold percent`, `Invalid Attribute Value Match`",
		"the attribute (such as `thresholds[0].percent`), the value, what it must be",
		"Write a positive amount or percent; `basis` is `actual` or `forecast`, `action` is `warn` or `block`.",
		[]string{"TestBillingBudgetRefusesBadInputNamingTheAttribute"}},
	{"a budget's `product_amounts` or `daily_limits` key that no billed product has", "– (read once)",
		"warning `Budget key matches no billed product`", "the key, the days read, the nearest billed names (`Did you mean \"Log\"?`)",
		"Correct the key; if the product is simply not billed yet, the warning goes when it is.",
		[]string{"TestBudgetKeysThatNameNoBilledProductWarnWithTheNearest"}},
	{"a provider `currency` or `GUANCE_CURRENCY` that is not an ISO 4217 code", noRequest, "`Invalid currency`, `Invalid GUANCE_CURRENCY`",
		"the value; three capital letters such as CNY", "Write the code of the currency the site bills in, such as `CNY` or `USD`.",
		[]string{"TestProviderRefusesBadConfiguration", "TestProviderRefusesACurrencyVariableThatIsNotAnISOCode"}},
	{"no token (attribute or `GUANCE_ACCESS_TOKEN`)", noRequest, "`Missing Guance access token`",
		"where to set it; the Key secret, not the Key ID", "Set `access_token` or `GUANCE_ACCESS_TOKEN` to the API Key's secret.",
		[]string{"TestProviderRefusesBadConfiguration"}},
	{"unknown `region`", noRequest, "`Unknown Guance region`", "the value and every valid name and site code",
		"Use a name or site code from the provider's [sites table](../index.md#sites), or set `endpoint`.",
		[]string{"TestProviderRefusesBadConfiguration", "TestProviderRefusesAnUnknownRegionFromTheEnvironment"}},
	{"`endpoint` not absolute, with user info, or `http://` to a non-loopback host", noRequest, "`Invalid Guance endpoint`",
		"the value; use https (http only to 127.0.0.0/8, ::1, localhost)", "Use the site's `https://` base URL.",
		[]string{"TestProviderRefusesBadConfiguration", "FuzzCheckEndpoint"}},
	{"bad `max_retry_wait` or `max_read_time`", noRequest, "`Invalid duration`", "the value; write it like 90s or 5m",
		"Write a duration such as `90s` or `5m`.", []string{"TestProviderRefusesBadConfiguration"}},
	{"`requests_per_minute`, `max_attempts`, `lookback_days` or `min_runway_days` not a whole number in its range (`2.5`, `0`)", noRequest, "`Invalid number`",
		"the attribute, the value and the whole numbers it takes", "Write a whole number within the range the message gives.",
		[]string{"TestEveryConfigurableNumberRefusesAFractionInItsOwnWords", "TestProviderRefusesBadConfiguration", "TestBillingForecastRefusesBadArguments"}},
	{"`endpoint` with a path, such as `…/api/v1` (HTTP 404)", "no", "`…: the endpoint is not the API's base URL`",
		"the whole URL requested and `answered HTTP 404`; the path the endpoint added", "Drop the path: the endpoint is the scheme and host only, such as `https://openapi.guance.com`.",
		[]string{"TestANotFoundAnswerNamesTheWholeURLAndTheEndpointsPath", "TestAnEndpointWithTheAPIPathSaysToDropIt"}},
	{"a parameter the API refuses (HTTP 400 or 422, `ft.ParamError`)", "no", "`…: the API refused the request`",
		"the URL, status, errorCode and the API's message; asking again would get the same answer",
		"Fix what the message names in `start_date`/`end_date`; split a period the API finds too long.",
		[]string{"TestParameterErrorsAreBadRequestsAskedOnce", "TestAPeriodTheAPIRefusesSaysToFixThePeriod"}},
	{"token rejected (403/401 `ft.InvalidAPIKey`)", "no", "`Guance rejected the access token`",
		"HTTP status, errorCode, traceId; the key selects the workspace and site",
		"Use the API Key *secret*, not its Key ID, and the region of the key's workspace.",
		[]string{"TestBillingDetailsRejectedTokenSaysUseTheSecretAndGivesTheTraceID", "TestBillingBalanceRejectedTokenSaysUseTheSecret"}},
	{"rate limit: 401 `ft.TriggerApiAkCurrentLimiting` / `…WorkspaceCurrentLimiting`, or 429", "yes",
		"`…: rate limited` (if retries run out)", "errorCode, traceId, how many times the provider tried and which bound stopped it",
		"Another client may share the key: lower `requests_per_minute`, raise `max_retry_wait`, or read fewer periods.",
		[]string{"TestBillingDetailsRidesOutRateLimits", "TestGivingUpSaysHowOftenItTriedAndWhy", "TestRetryAfterBeyondTheTotalWaitGivesUpAtOnce"}},
	{"reads held by the provider's own pacing (`requests_per_minute`)", "–",
		"warning `Guance reads waited for the rate limit` past 30 s (an INFO log line past 10 s)",
		"the wait, the requests sent in this run, the limit",
		"Read fewer distinct periods: one long period with `totals_by_month` instead of one per month, `include_records = false` where totals suffice, the same dates where the same period is meant.",
		[]string{"TestAReadThatWaitsForARateSlotReportsTheWaitAndTheLimit", "TestReadsHeldByThePacingWarnWhyAndHowToReadFewer"}},
	{"5xx with a Guance envelope (`ft.InternalError`)", "yes", "`…: the API is failing` (if retries run out)",
		"`answered HTTP 500, errorCode …, message …`, the tries, and the traceId for Guance support",
		"Usually temporary: plan again later, or raise `max_attempts`/`max_retry_wait`; if it persists, give Guance support the traceId.",
		[]string{"TestTransientFaultsAreRiddenOut", "TestEachFailureSaysEachFactOnceWithTheAdviceItsCauseCallsFor"}},
	{"502/503/504 HTML page from a gateway", "yes", "`…: the API is failing` (if retries run out)",
		"`answered HTTP 502 with an HTML page titled \"502 Bad Gateway\" instead of a Guance answer`", "As for a 5xx.",
		[]string{"TestGatewayHTMLPagesAreNamedByTheirTitle", "TestBillingDetailsServerErrorsThatOutlastRetriesSayWhatToDo"}},
	{"`success: false` under HTTP 200, or another 4xx", "no", "`…`",
		"`answered HTTP 200 … with success not true, errorCode …, message …`; the traceId for Guance support",
		"Nothing on your side explains it: give Guance support the traceId.",
		[]string{"TestSuccessFalseWithoutAReasonStillSaysWhatFailed", "TestUnusableAnswersAreErrorsNeverPartialData"}},
	{"connection refused", "once (2 attempts, within about 1 s)", "`…`",
		"`no answer: … connection refused`; `The provider tried 2 times`",
		"Nothing listens at that host and port: check `endpoint`, and that the server, tunnel or simulator is running.",
		[]string{"TestFaultsThatRepeatByNatureEndAfterAtMostTwoAttempts", "TestUnreachableEndpointsFailAfterAtMostTwoAttempts"}},
	{"unknown host", "no (a lookup that fails otherwise: once)", "`…`", "`no answer: … no such host`",
		"Check `region` or `endpoint` for a typo, and the machine's DNS.",
		[]string{"TestFaultsThatRepeatByNatureEndAfterAtMostTwoAttempts", "TestUnreachableEndpointsFailAfterAtMostTwoAttempts"}},
	{"untrusted TLS certificate", "no", "`…`", "`no answer: tls: failed to verify certificate …`",
		"Use the Guance site itself; behind a TLS-intercepting proxy, add its CA to the system's trust store (or `SSL_CERT_FILE`).",
		[]string{"TestFaultsThatRepeatByNatureEndAfterAtMostTwoAttempts"}},
	{"connection reset before an answer", "yes (a reset on a reused keep-alive connection is re-sent by Go's HTTP client itself)",
		"`…`", "`no answer: …`", "Check the network path to the site; plan again.", []string{"TestTransientFaultsAreRiddenOut"}},
	{"answer truncated, reset or timed out mid-body", "yes", "`…: unusable answer`",
		"`the answer broke off after N bytes: …` (or `the body ended before the JSON did`)", "Plan again; the network path drops answers.",
		[]string{"TestAnswersThatBreakOffMidBodyAreRetried", "TestAnAnswerThatAlwaysBreaksOffSaysSo"}},
	{"body without progress for 30 s", "yes", "`…: unusable answer` (if retries run out)",
		"`the answer broke off after N bytes: no data for 30s (the answer stalled)`", "Plan again later.",
		[]string{"TestABodyWithoutProgressIsCutOffAndAskedAgain"}},
	{"a server that trickles its answer, for `max_read_time` (each attempt is cut off after 2m)", "until `max_read_time`",
		"`…: the API is too slow`", "`3m0s over 2 attempts brought no complete answer`",
		"Plan again later, ask for a shorter period, or raise `max_read_time`.",
		[]string{"TestAServerThatKeepsTricklingIsGivenUpOnAsTooSlow", "TestAServerSlowerThanTheReadsTimeToAnswerIsGivenUpOnAsTooSlow", "TestAReadThatRunsOutOfTimeSaysTheAPIIsTooSlow"}},
	{"a server that accepts the connection and sends no answer headers for 30 s (a wrong host or port)", "no (a TLS handshake that times out: once)", "`…`",
		"`no answer: the server accepted the connection but sent no answer headers within 30s`; the endpoint is not the Guance OpenAPI",
		"Check `endpoint`'s host, port and scheme; `max_read_time` does not help.",
		[]string{"TestAServerThatNeverSendsHeadersFailsAtOnceAsSilent", "TestASilentEndpointFailsAfterThirtySecondsWithEndpointAdvice"}},
	{"one mistake met by every read of a plan: no token, a token rejected, an endpoint that is not the API", "as its kind", "each read's own",
		"the whole explanation in one error; each other read `The same mistake as the error \"…\" of this plan`", "Fix it once.",
		[]string{"TestAMistakeEveryReadMeetsIsExplainedOnce"}},
	{"a `recorded_bill` that is missing, a symbolic link, malformed, with a name given twice, or short of the days read", noRequest,
		"`…: the recorded bill cannot serve it` or `…: unusable answer`", "the file and its fault, as for an answer; the days the file covers",
		"Record the bill again for a period that includes every day read.",
		[]string{"TestARecordedBillThatCannotServeAReadIsRefusedNamingTheFile"}},
	{"a server that refuses in a phase of its window", "yes, the whole client held, then one probe",
		"nothing when it passes; `…: rate limited` if the gate would pass `max_retry_wait`", "–", "As for a rate limit.",
		[]string{"TestPacingFromEveryPhaseOfAFixedWindowReadsEverythingSoon"}},
	{"several plans at once on one machine with one key (Terragrunt `run-all`, CI matrices, Atlantis)", "– (one shared window: none is refused)",
		"nothing", "–", "Nothing: the processes share one rolling window of `requests_per_minute`, and identical reads share one answer for `shared_read_ttl`.",
		[]string{"TestProcessesSharingAKeyStayUnderItsLimitTogether", "TestThirtyStacksReadingOneMonthSendOneRequestOfEach"}},
	{"the shared read cache cannot be used (cache directory not writable, owned by another user or writable by others), or holds a cut, garbled or foreign entry", "–",
		"nothing; DEBUG `Guance API reads are not shared with other processes`, with the reason, or a read's `shared_cache: miss` with the entry's fault",
		"each process reads alone; a damaged entry is never served, and is replaced; no link is followed",
		"Make the user's cache directory yours and writable by you alone (`chmod go-w`), or set `shared_read_ttl = \"0\"`.",
		[]string{"TestAnUnusableCacheDirectoryFallsBackToReadingAlone", "TestTwoUsersCacheDirectoriesNeverShareEntries",
			"TestADamagedOrForeignEntryIsIgnoredAndReplaced", "TestASymlinkPlantedInTheCacheIsNotFollowed"}},
	{"another plan on the machine with the same key was refused by the limit, and the hold it set outlasts this read's `max_retry_wait`",
		"no (nothing is sent)", "`…: the key's rate limit is held by another process`",
		"that another process on this machine was refused, until when the key is held and since when, and the read's `max_retry_wait`",
		"Raise `max_retry_wait` above the hold (at most a minute), plan again after it, or run fewer plans with the key at once.",
		[]string{"TestAPlanHeldByAnotherPlansLimitAnswerSaysSoInsteadOfCrashing", "TestAHoldOfAnotherProcessLongerThanTheReadMayWaitIsAClearError",
			"TestAFarFutureHoldInTheBookHoldsAReadAtMostAWindow"}},
	{"a plan killed mid-request (`kill -9`, a cancelled CI job) left its request slot booked", "–",
		"warning `Guance reads waited for a slot of a process that died` past 30 s",
		"the wait, the slots and the pid of the process that booked them; that the wait is not the plan's own reads",
		"Nothing: the slot ends by itself a minute and the request timeout after its booking.",
		[]string{"TestAReadWaitingForTheSlotOfAKilledProcessNamesIt", "TestAWaitForTheSlotOfAKilledProcessBlamesItNotThePlan"}},
	{"the shared pacing file cannot be used (cache directory not writable, owned by another user or writable by others, a symlink in it, a garbled or oversized file)", "–",
		"nothing; DEBUG `Guance API pacing is not shared with other processes` or `pacing file unreadable, starting it afresh`, with the reason",
		"each process paces itself alone; a garbled file is started afresh; no link is followed",
		"Make the user's cache directory yours and writable by you alone (`chmod go-w`), or lower `requests_per_minute` per process.",
		[]string{"TestAnUnwritableDirectoryFallsBackToPacingAlone", "TestAGarbledPacingFileIsStartedAfresh",
			"TestAPacingDirectoryOfAnotherUserIsNotUsed", "TestAPacingDirectoryOthersCanWriteIsNotUsed",
			"TestASymlinkPlantedInThePacingDirectoryLeavesItsTargetUntouched", "TestABookOfAMillionSlotsIsStartedAfresh"}},
	{"a bug in the provider: a panic while reading `guance_billing_details`", "no", "`The guance provider failed unexpectedly`",
		"that the provider caught an internal error and nothing of the read reached the plan; the stack is in the TRACE log only",
		"Report it, with the log of a run with `TF_LOG=trace`.",
		[]string{"TestAPanicReadingBillingDetailsIsAnErrorAskingForABugReport", "TestARecoveredPanicsDiagnosticHoldsNoStack"}},
	{"invalid JSON, HTML or other non-JSON under HTTP 200, `content` not a list, data after the envelope", "no",
		"`…: unusable answer`", "`invalid JSON: …` / `not a JSON envelope but an HTML page titled \"…\"` / `content is a JSON object …` / `unexpected data after the answer`; nothing of the answer was used",
		"Check that `endpoint` is the OpenAPI site, not a console or login page; otherwise give Guance support the traceId.",
		[]string{"TestUnusableAnswersAreErrorsNeverPartialData"}},
	{"`content` missing or `null`, a name given twice, `success: true` with an errorCode, `success` not a JSON boolean (`\"true\"`)", "no", "`…: unusable answer`",
		"`the answer has no content at all` / `\"billingResult\" is given twice …` / `the answer contradicts itself …` / `success is a string (\"true\"), not a JSON boolean`",
		"Give Guance support the traceId: the answer is ambiguous, and a guess could be a silent zero.",
		[]string{"TestAmbiguousEmptyOrSelfContradictingAnswersAreRefused", "TestBillingBalanceRefusesWhatIsNotABalance"}},
	{"a record's date or amount that is not one (`2023-02-30`, `\"12,50 CNY\"`)", "no", "`…: unusable answer`",
		"`billing record N (date \"…\", productDetail \"…\"): billingResult is \"12,50 CNY\", which is not a number`",
		"Give Guance support the traceId.",
		[]string{"TestUnusableAnswersAreErrorsNeverPartialData", "TestBillingDetailsFailsOnAnUnusableAnswerInsteadOfPartialData"}},
	{"a record whose `tag6` and `billingKey` differ", "no", "`…: unusable answer`",
		"`billing record N (date \"…\", productDetail \"…\"): tag6 is \"…\" but billingKey is \"…\"`",
		"Give Guance support the traceId: the record names two measurements, and a `measurements` filter or budget on either would follow a guess.",
		[]string{"TestARecordWhoseTag6AndBillingKeyDisagreeIsRefused"}},
	{"corrupt gzip body", "no", "`…: unusable answer`", "`the answer's gzip-compressed body is corrupt after N bytes …`",
		"Check for a proxy that rewrites answers; otherwise give Guance support the traceId.",
		[]string{"TestDeterministicFaultsFailAtOnceNamingTheFault"}},
	{"body over 128 MiB", "no", "`…: unusable answer`", "`the answer is larger than 128 MiB, the client's cap`",
		"Read a shorter period.", []string{"TestBodyOverTheCapIsRefused", "TestAnAnswerAnnouncedOverTheCapIsRefusedUnread"}},
	{"redirect to another host or scheme, in a loop, or more than 5", "no", "`…: refused redirect`",
		"`the API redirected to …; refusing to follow it so that the access token is not sent to another host` / `in a loop` / `more than 5 times`",
		"Use the workspace's OpenAPI site itself, not a console or a redirecting proxy.",
		[]string{"TestRedirectToAnotherHostIsRefusedWithoutSendingTheToken", "TestDeterministicFaultsFailAtOnceNamingTheFault"}},
	{"the server echoes the token anywhere", "as the answer's kind", "as the answer's kind",
		"the answer's text with the token, and any 8+ character piece of it, as `***`", "Nothing: the token never reaches a message, log or state.",
		[]string{"TestTheTokenEchoedByTheServerIsScrubbedEverywhere", "TestATokenEchoedByTheServerAppearsNowhere"}},
	{"a record dated outside the requested period", "– (kept)", "warning `Guance billing record outside the period`",
		"`billing record N (productDetail \"…\") is dated …, outside the requested period …`", "Nothing to fix; it is included as the API sent it.",
		[]string{"TestARecordOutsideThePeriodComesWithAWarningNamingIt", "TestRecordsOutsideThePeriodAreKeptWithAWarningNamingThem"}},
	{"Ctrl-C while waiting to retry, for a rate slot or for the answer", "no, stops at once", "`…: cancelled`",
		"the read was interrupted before the API answered", "–",
		[]string{"TestCancellationStopsWaitingAtOnce", "TestCancellationStopsWaitingForARateSlot", "TestCancellationMidBodyStopsTheRead"}},
}

// failureTable is DESIGN.md's table: each failure, whether it is retried, what the diagnostic
// says, and the tests that prove it.
func failureTable() string {
	var b strings.Builder
	b.WriteString("| Bad input or fault | Retried | Summary | The detail says | Proved by |\n|---|---|---|---|---|\n")
	for _, f := range failures {
		tests := make([]string, len(f.tests))
		for i, t := range f.tests {
			tests[i] = "`" + t + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", f.fault, f.retried, f.summary, f.detail, strings.Join(tests, ", "))
	}
	return b.String()
}

// troubleshootingTable is the user guide's table: each failure, what the user sees and what to
// do.
func troubleshootingTable() string {
	var b strings.Builder
	b.WriteString("| Failure | What you see | What to do |\n|---|---|---|\n")
	for _, f := range failures {
		fmt.Fprintf(&b, "| %s | %s: %s | %s |\n", f.fault, f.summary, f.detail, f.todo)
	}
	return b.String()
}
