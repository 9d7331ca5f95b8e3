{
 "StartAt": "pass",
 "States": {
  "pass": {
   "Type": "Pass",
   "Next": "fail",
   "Parameters": {
    "Error": "error-value"
   }
  },
  "fail": {
   "Type": "Fail",
   "ErrorPath": "$.Error",
   "CausePath": "$.NoSuchCausePath"
  }
 }
}