// SigV4 with a credentials provider: the step the S3 client and the JSON
// client share before every attempt (credentials may refresh between them).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/aws/sigv4.h"
#include "common/status.h"
#include "io/s3/credentials.h"

namespace mortar::io::aws {

// Signs the request in place with the provider's current credentials and the
// real clock. `params` carries region, service and the protocol's flags; its
// keys and time are filled here. A null provider or empty credentials leave
// the request unsigned (public buckets, unauthenticated servers); a provider
// that fails is an error.
Status sign_with_credentials(s3::CredentialsProvider* provider, std::string_view method,
                             std::string_view target, std::map<std::string, std::string>& headers,
                             std::string_view body, SigV4SigningParams params);

}  // namespace mortar::io::aws
