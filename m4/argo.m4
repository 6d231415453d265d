# argo.m4 - small configure checks of argo-linux.

# ARGO_CHECK_LDFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
# Links an empty program with FLAG added to LDFLAGS.
AC_DEFUN([ARGO_CHECK_LDFLAG], [
	AC_MSG_CHECKING([whether the linker accepts $1])
	argo_save_LDFLAGS=$LDFLAGS
	LDFLAGS="$LDFLAGS $1"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([[]], [[]])],
		[AC_MSG_RESULT([yes]); $2],
		[AC_MSG_RESULT([no]); $3])
	LDFLAGS=$argo_save_LDFLAGS
])

# ARGO_PTHREAD: glibc >= 2.34 has pthreads in libc; older ones need
# -lpthread.  Sets PTHREAD_LIBS.
AC_DEFUN([ARGO_PTHREAD], [
	PTHREAD_LIBS=
	AC_CHECK_FUNC([pthread_once], [],
		[AC_CHECK_LIB([pthread], [pthread_once], [PTHREAD_LIBS=-lpthread],
			[AC_MSG_ERROR([pthreads not found])])])
	AC_SUBST([PTHREAD_LIBS])
])
