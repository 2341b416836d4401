// epoll and eventfd: Linux headers Swift's Glibc module does not include. Declarations only.
#include <sys/epoll.h>
#include <sys/eventfd.h>
