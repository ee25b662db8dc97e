/* embargo: symbol visibility. The library builds with -fvisibility=hidden;
 * EMB_API marks the public functions. EMB_NODISCARD marks fallible calls. */
#ifndef EMBARGO_EXPORT_H
#define EMBARGO_EXPORT_H

#if defined(__GNUC__)
#define EMB_API __attribute__((visibility("default")))
#define EMB_NODISCARD __attribute__((warn_unused_result))
#else
#define EMB_API
#define EMB_NODISCARD
#endif

#endif
