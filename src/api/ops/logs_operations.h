// The CloudWatch Logs operations (Logs_20140328.*) over the logs module:
// DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents,
// CreateLogGroup, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy,
// CreateLogStream, PutLogEvents.
// Register them into the registry of api::logs_service(). Paging tokens come
// from `codec`; GetLogEvents' nextForwardToken/nextBackwardToken are
// deterministic, so asking again at the end of a stream returns the token
// that was sent ("nothing new yet"), as CloudWatch does.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "logs/log_store.h"
#include "store/store.h"

namespace mortar::api {

// `log_store`, `store` (the one it writes) and `codec` must outlive the registry.
void register_logs_operations(OperationRegistry& ops, logs::LogStore& log_store,
                              store::Store& store, const NextTokenCodec& codec);

}  // namespace mortar::api
