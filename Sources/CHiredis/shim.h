// hiredis is called directly from Swift through redisCommandArgv / redisAppendCommandArgv:
// the variadic redisCommand is not callable from Swift, so nothing else is needed here.
#include <hiredis/hiredis.h>
