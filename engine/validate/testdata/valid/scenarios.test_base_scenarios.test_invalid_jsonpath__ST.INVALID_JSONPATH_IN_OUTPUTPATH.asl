{
 "StartAt": "pass",
 "States": {
  "pass": {
   "Type": "Pass",
   "OutputPath": "$.NoSuchOutputPath",
   "End": true
  }
 }
}