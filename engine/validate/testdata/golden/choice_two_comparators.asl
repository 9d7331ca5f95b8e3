{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.x",
     "IsPresent": true,
     "IsNull": false,
     "Next": "A"
    }
   ],
   "Default": "A"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}