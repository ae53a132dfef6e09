# Configure-time apt step used by the presets (SPHAERA_INSTALL_DEPENDENCIES=ON), so that
# each README command works on a fresh Debian 12 machine.
include_guard(GLOBAL)
function(sphaera_install_dependencies)
  execute_process(COMMAND bash ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/install_dependencies.sh
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sphaera: installing the Debian dependencies failed (see above)")
  endif()
endfunction()
